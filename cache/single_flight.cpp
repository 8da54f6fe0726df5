#include "cache/single_flight.hpp"

#include <string>

namespace openhouse::cache {

// single_flight is a template used with the actor's promise type. Instantiating
// it here for a plain type compiles every member under the project's warnings
// as part of the core library, not only where (and if) a caller uses it.
template class single_flight<std::string>;

}  // namespace openhouse::cache
