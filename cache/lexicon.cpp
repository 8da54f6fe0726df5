#include "cache/lexicon.hpp"

#include <algorithm>
#include <initializer_list>
#include <utility>

namespace openhouse::cache {

namespace {

using pairs = std::initializer_list<std::pair<const char*, const char*>>;

void put_all(std::map<std::string, std::string>& map, pairs entries) {
  for (const auto& [key, value] : entries) map.emplace(key, value);
}

std::size_t words_in(const std::string& phrase) {
  return static_cast<std::size_t>(std::count(phrase.begin(), phrase.end(), ' ')) + 1;
}

void fill_spellings(lexicon& lex) {
  // What people type in texts, mapped to the words the rest of the pipeline
  // understands. Contractions with an apostrophe are expanded by the
  // normaliser itself; these are the apostrophe-less forms SMS produces.
  put_all(lex.spellings, {
      {"u", "you"}, {"ya", "you"}, {"yu", "you"}, {"ur", "your"}, {"youre", "you are"},
      {"r", "are"}, {"thx", "thanks"}, {"thnx", "thanks"}, {"thanx", "thanks"},
      {"tx", "thanks"}, {"ty", "thanks"}, {"tysm", "thanks"}, {"thank you", "thanks"},
      {"thanks so much", "thanks"}, {"pls", "please"}, {"plz", "please"}, {"plse", "please"},
      {"pleas", "please"}, {"b4", "before"}, {"bfore", "before"}, {"w/", "with"},
      {"w", "with"}, {"wit", "with"}, {"w/o", "without"}, {"wo/", "without"}, {"n", "and"},
      {"bc", "because"}, {"b/c", "because"}, {"cuz", "because"}, {"coz", "because"},
      {"tmrw", "tomorrow"}, {"tmr", "tomorrow"}, {"tmrow", "tomorrow"}, {"tmw", "tomorrow"},
      {"2morrow", "tomorrow"}, {"2moro", "tomorrow"}, {"tomoro", "tomorrow"},
      {"tommorow", "tomorrow"}, {"tomorow", "tomorrow"}, {"2day", "today"}, {"tdy", "today"},
      {"2nite", "tonight"}, {"tonite", "tonight"}, {"nite", "night"}, {"wknd", "weekend"},
      {"wkend", "weekend"}, {"wk", "week"}, {"wks", "weeks"}, {"rn", "right now"},
      {"atm", "right now"}, {"at the moment", "right now"}, {"asap", "soon"},
      {"idk", "unsure"}, {"dunno", "unsure"}, {"tbh", ""}, {"lol", ""},
      {"lmao", ""}, {"omg", ""}, {"btw", ""}, {"fyi", ""}, {"um", ""}, {"umm", ""},
      {"uh", ""}, {"hmm", ""}, {"hey", ""}, {"hi", ""}, {"hello", ""}, {"yo", ""},
      {"quick question", ""}, {"question", ""}, {"np", ""}, {"wut", "what"}, {"wat", "what"},
      {"wht", "what"}, {"whats", "what is"}, {"hows", "how is"}, {"wheres", "where is"},
      {"whens", "when is"}, {"whos", "who is"}, {"thats", "that is"}, {"theres", "there is"},
      {"im", "i am"}, {"ive", "i have"}, {"dont", "do not"}, {"doesnt", "does not"},
      {"didnt", "did not"}, {"cant", "can not"}, {"cannot", "can not"}, {"wont", "will not"},
      {"isnt", "is not"}, {"arent", "are not"}, {"wasnt", "was not"}, {"werent", "were not"},
      {"havent", "have not"}, {"hasnt", "has not"}, {"wouldnt", "would not"},
      {"couldnt", "could not"}, {"shouldnt", "should not"}, {"aint", "is not"},
      {"theyre", "they are"}, {"gonna", "going to"}, {"wanna", "want to"},
      {"gotta", "have to"}, {"gimme", "give me"}, {"lemme", "let me"}, {"kinda", ""},
      {"prolly", "probably"}, {"probs", "probably"}, {"ppl", "people"}, {"msg", "message"},
      {"msgs", "messages"}, {"txt", "text"}, {"txts", "texts"}, {"texted", "text"},
      {"appt", "appointment"}, {"appts", "appointments"}, {"approx", "about"},
      {"around", "about"}, {"roughly", "about"}, {"info", "information"},
      {"avail", "available"}, {"abt", "about"}, {"yr", "year"}, {"yrs", "years"},
      {"mo", "month"}, {"mos", "months"}, {"hr", "hour"}, {"hrs", "hours"},
      {"min", "minimum"}, {"mins", "minutes"}, {"max", "maximum"}, {"sq ft", "sqft"},
      {"sq", "sqft"}, {"sf", "sqft"}, {"square feet", "sqft"}, {"square foot", "sqft"},
      {"ft", "feet"}, {"ba", "bathroom"}, {"bth", "bathroom"}, {"bath", "bathroom"},
      {"baths", "bathrooms"}, {"bd", "bedroom"}, {"bdr", "bedroom"}, {"bdrm", "bedroom"},
      {"bdrms", "bedrooms"}, {"br", "bedroom"}, {"bed", "bedroom"}, {"beds", "bedrooms"},
      {"gd", "good"}, {"gr8", "great"}, {"ez", "easy"}, {"pic", "photo"}, {"pics", "photos"},
      {"picture", "photo"}, {"pictures", "photos"}, {"yeah", "yes"}, {"yea", "yes"},
      {"yep", "yes"}, {"yup", "yes"}, {"ye", "yes"}, {"nah", "no"}, {"nope", "no"},
      {"okay", "ok"}, {"k", "ok"}, {"kk", "ok"}, {"no longer", "not"}, {"no more", "not"},
      {"anymore", ""}, {"any more", ""}, {"rather not", "not"}, {"half a million", "$500000"}, {"a million", "$1000000"},
      {"mil", "million"}, {"ok thanks", "thanks"}, {"rly", "really"}, {"realy", "really"},
      {"jus", "just"}, {"bout", "about"}, {"sum", "some"}, {"tho", "though"},
      {"thru", "through"}, {"til", "until"}, {"till", "until"}, {"untill", "until"},
      {"b/w", "between"}, {"btwn", "between"}, {"w/in", "within"}, {"neighborhood", "area"},
      {"neighbourhood", "area"}, {"hood", "area"}, {"nbhd", "area"}, {"mtg", "mortgage"},
      {"morgage", "mortgage"}, {"mortage", "mortgage"}, {"recieve", "receive"},
      {"realter", "realtor"}, {"relator", "realtor"}, {"escro", "escrow"},
      {"prop", "property"}, {"hse", "house"}, {"hm", "home"}, {"homez", "homes"},
      {"c", "see"}, {"cya", "see you"}, {"gud", "good"}, {"rite", "right"},
      {"alot", "a lot"}, {"thnk", "think"}, {"thk", "think"}, {"becuz", "because"},
      {"mon", "monday"}, {"tue", "tuesday"}, {"tues", "tuesday"},
      {"thu", "thursday"}, {"thur", "thursday"}, {"thurs", "thursday"}, {"fri", "friday"},
      {"sat", "saturday"}, {"weds", "wednesday"}, {"jan", "january"}, {"feb", "february"},
      {"mar", "march"}, {"apr", "april"}, {"jun", "june"}, {"jul", "july"},
      {"aug", "august"}, {"sep", "september"}, {"sept", "september"}, {"oct", "october"},
      {"nov", "november"}, {"dec", "december"}, {"wud", "would"}, {"shud", "should"}, {"cud", "could"}, {"wat's", "what is"},
  });
}

void fill_synonyms(lexicon& lex) {
  // Several surface forms of one real-estate concept collapse into one term, so
  // that the embedder and the guard both see the same word.
  put_all(lex.synonyms, {
      // Phrases are matched on spelled-out words, before single words are
      // replaced: "no thx" arrives here as "no thanks".
      {"not sure", "unsure"}, {"do not know", "unsure"}, {"not certain", "unsure"},
      {"no thanks", "not interested"}, {"no thank you", "not interested"},
      {"not interested thanks", "not interested"},
      {"see the house", "tour the home"}, {"see the houses", "tour the homes"},
      {"see houses", "tour homes"}, {"see homes", "tour homes"}, {"see the place", "tour the home"},
      {"see a house", "tour a home"}, {"see a home", "tour a home"}, {"look at a house", "tour a home"},
      {"look at the house", "tour the home"}, {"look at the home", "tour the home"},
      {"house", "home"}, {"houses", "homes"}, {"property", "home"}, {"properties", "homes"},
      {"residence", "home"}, {"my place", "my home"}, {"our place", "our home"},
      {"a place", "a home"}, {"homes for sale", "listings"}, {"houses for sale", "listings"},
      {"properties for sale", "listings"}, {"house for sale", "listing"}, {"home for sale", "listing"},
      {"listings for sale", "listings"}, {"homes on the market", "listings"},
      {"for sale listings", "listings"}, {"realtor", "agent"}, {"realtors", "agents"},
      {"real estate agent", "agent"}, {"real estate agents", "agents"},
      {"realestate agent", "agent"}, {"broker", "agent"}, {"brokers", "agents"},
      {"mortgage lender", "lender"}, {"mortgage lenders", "lenders"},
      {"loan officer", "lender"}, {"mortgage broker", "lender"}, {"preapproved", "preapproval"},
      {"pre approved", "preapproval"}, {"pre approval", "preapproval"},
      {"preapprove", "preapproval"}, {"pre approve", "preapproval"},
      {"prequalified", "preapproval"}, {"pre qualified", "preapproval"},
      {"prequal", "preapproval"}, {"preapproval letter", "preapproval"},
      {"loan approval", "preapproval"}, {"approved for a loan", "preapproval"},
      {"hoa dues", "hoa fees"}, {"hoa fee", "hoa fees"}, {"dues", "fees"},
      {"homeowners association", "hoa"}, {"home owners association", "hoa"},
      {"open house", "open house"}, {"open houses", "open houses"},
      {"mello roos", "mello roos"}, {"mello", "mello roos"}, {"mello roos tax", "mello roos"},
      {"mello roos taxes", "mello roos"}, {"melloroos", "mello roos"},
      {"showing", "tour"}, {"showings", "tours"}, {"touring", "tour"}, {"toured", "tour"},
      {"see the home", "tour the home"}, {"see the homes", "tour the homes"},
      {"see the property", "tour the home"}, {"look at homes", "tour homes"},
      {"look at houses", "tour homes"}, {"walk through", "walkthrough"},
      {"home value estimate", "valuation"}, {"value estimate", "valuation"},
      {"home valuation", "valuation"}, {"home value", "valuation"},
      {"what my home is worth", "valuation"}, {"cma", "valuation"},
      {"purchase", "buy"}, {"purchasing", "buying"}, {"purchased", "bought"},
      {"new build", "new construction"}, {"new builds", "new construction"},
      {"new home construction", "new construction"}, {"granny flat", "adu"},
      {"casita", "adu"}, {"in law unit", "adu"}, {"guest house", "adu"},
      {"phone call", "call"}, {"ring", "call"}, {"recent sales", "comps"},
      {"comparable sales", "comps"}, {"comparables", "comps"}, {"comparable homes", "comps"},
      {"walk away with", "net"}, {"net proceeds", "net"}, {"downpayment", "down payment"},
      {"school district", "schools"}, {"school", "schools"}, {"first time", "first time"},
      {"to list", "to sell"}, {"i list", "i sell"}, {"we list", "we sell"},
      {"before listing", "before selling"}, {"after listing", "after selling"},
      {"about listing", "about selling"}, {"considering listing", "considering selling"},
      {"listing my", "selling my"}, {"list my", "sell my"}, {"listing our", "selling our"},
      {"list our", "sell our"}, {"put my home on the market", "sell my home"},
      {"put our home on the market", "sell our home"}, {"set up", "schedule"},
      {"book a", "schedule a"}, {"take me off", "unsubscribe me from"},
      {"remove me from", "unsubscribe me from"}, {"opt out", "unsubscribe"},
      {"keep me on", "subscribe me to"}, {"sign me up", "subscribe me"},
      {"add me to", "subscribe me to"}, {"opt in", "subscribe"}, {"more than", "over"},
      {"greater than", "over"}, {"less than", "under"}, {"fewer than", "under"},
      {"at least", "over"}, {"at most", "under"}, {"up to", "under"},
      {"no more than", "under"}, {"or more", "over"}, {"or less", "under"}, {"or under", "under"},
      {"or over", "over"}, {"or below", "under"}, {"or above", "over"}, {"cheaper than", "under"}, {"bigger than", "over"},
      {"larger than", "over"}, {"smaller than", "under"}, {"prior to", "before"},
      {"swimming pool", "pool"}, {"solar panels", "solar"}, {"back yard", "backyard"},
      {"yard", "backyard"}, {"a c", "air conditioning"}, {"ac", "air conditioning"},
      {"credit score", "credit"}, {"fico", "credit"}, {"fha loan", "fha"},
      {"va loan", "va"}, {"va loans", "va"}, {"close escrow", "closing"},
      {"closing day", "closing"}, {"close of escrow", "closing"}, {"coe", "closing"},
      {"escrow company", "escrow"}, {"agent commission", "commission"},
      {"realtor fees", "commission"}, {"agent fees", "commission"}, {"agent fee", "commission"},
      {"commission fee", "commission"}, {"property taxes", "property tax"},
      {"property tax rate", "property tax"}, {"tax rate", "property tax"},
      {"earnest money deposit", "earnest money"}, {"emd", "earnest money"},
      {"good faith deposit", "earnest money"}, {"fixer upper", "fixer"},
      {"fixer uppers", "fixers"}, {"fixerupper", "fixer"}, {"sq footage", "sqft"},
      {"square footage", "sqft"}, {"la", "los angeles"}, {"l a", "los angeles"},
      {"the ie", "inland empire"}, {"rancho", "rancho cucamonga"},
      {"rancho cucamonga", "rancho cucamonga"}, {"moval", "moreno valley"},
      {"mo val", "moreno valley"}, {"san berdoo", "san bernardino"},
      {"sb", "san bernardino"}, {"dtla", "los angeles"}, {"kids", "children"},
  });
}

void fill_numbers(lexicon& lex) {
  put_all(lex.number_suffixes, {
      {"bd", "bedroom"}, {"bds", "bedroom"}, {"bdr", "bedroom"}, {"bdrm", "bedroom"},
      {"bdrms", "bedroom"}, {"br", "bedroom"}, {"brs", "bedroom"}, {"bed", "bedroom"},
      {"beds", "bedroom"}, {"bedroom", "bedroom"}, {"bedrooms", "bedroom"}, {"b", "bedroom"},
      {"ba", "bathroom"}, {"bth", "bathroom"}, {"bath", "bathroom"}, {"baths", "bathroom"},
      {"bathroom", "bathroom"}, {"bathrooms", "bathroom"}, {"sqft", "sqft"}, {"sf", "sqft"},
      {"sq", "sqft"}, {"ft", "feet"}, {"yr", "year"}, {"yrs", "year"}, {"year", "year"},
      {"years", "year"}, {"mo", "month"}, {"mos", "month"}, {"month", "month"},
      {"months", "month"}, {"wk", "week"}, {"wks", "week"}, {"day", "day"}, {"days", "day"},
      {"hr", "hour"}, {"hrs", "hour"}, {"min", "minute"}, {"mins", "minute"},
      {"car", "car"}, {"story", "story"}, {"stories", "story"}, {"x", "times"},
  });
  put_all(lex.number_words, {
      {"zero", "0"}, {"two", "2"}, {"three", "3"}, {"four", "4"}, {"five", "5"}, {"six", "6"},
      {"seven", "7"}, {"eight", "8"}, {"nine", "9"}, {"ten", "10"}, {"eleven", "11"},
      {"twelve", "12"}, {"thirteen", "13"}, {"fourteen", "14"}, {"fifteen", "15"},
      {"sixteen", "16"}, {"seventeen", "17"}, {"eighteen", "18"}, {"nineteen", "19"},
      {"twenty", "20"}, {"thirty", "30"}, {"forty", "40"}, {"fifty", "50"}, {"sixty", "60"},
      {"seventy", "70"}, {"eighty", "80"}, {"ninety", "90"}, {"hundred", "100"},
      {"a dozen", "12"}, {"dozen", "12"},
  });
}

void fill_places(lexicon& lex) {
  lex.cities = {
      // The brief's Inland Empire core.
      "riverside", "san bernardino", "ontario", "rancho cucamonga", "fontana",
      "moreno valley", "corona", "temecula", "murrieta", "redlands", "chino", "chino hills",
      "upland", "eastvale", "jurupa valley", "menifee", "hemet", "perris", "rialto", "colton",
      "highland", "yucaipa", "beaumont", "banning", "lake elsinore",
      // The rest of Riverside and San Bernardino counties and their communities.
      "norco", "montclair", "loma linda", "grand terrace", "calimesa", "canyon lake",
      "wildomar", "san jacinto", "victorville", "hesperia", "apple valley", "adelanto",
      "barstow", "big bear", "big bear lake", "twentynine palms", "yucca valley", "needles",
      "palm springs", "palm desert", "cathedral city", "indio", "la quinta", "coachella",
      "desert hot springs", "rancho mirage", "indian wells", "blythe", "lake arrowhead",
      "crestline", "running springs", "mentone", "bloomington", "muscoy", "french valley",
      "winchester", "sun city", "nuevo", "mead valley", "woodcrest", "temescal valley",
      "mira loma", "glen avon", "rubidoux", "pedley", "aguanga", "anza", "idyllwild",
      "quail valley", "romoland", "homeland", "green valley lake", "oak hills", "phelan",
      "pinon hills", "wrightwood", "lucerne valley", "joshua tree", "morongo valley",
      "alta loma", "etiwanda", "devore", "cherry valley", "thermal", "mecca",
      // Neighbouring Los Angeles, Orange and San Diego county cities buyers compare with.
      "los angeles", "pomona", "claremont", "la verne", "san dimas", "diamond bar", "walnut",
      "west covina", "covina", "glendora", "azusa", "el monte", "whittier", "downey",
      "norwalk", "torrance", "glendale", "burbank", "pasadena", "long beach",
      "santa clarita", "lancaster", "palmdale", "irvine", "anaheim", "santa ana",
      "yorba linda", "brea", "fullerton", "orange", "tustin", "huntington beach",
      "newport beach", "costa mesa", "mission viejo", "lake forest", "san clemente",
      "san diego", "oceanside", "escondido", "carlsbad", "fallbrook", "vista", "san marcos",
      "bakersfield", "inland empire",
  };
  lex.counties = {"riverside", "san bernardino", "los angeles", "la", "orange", "san diego",
                  "ventura", "kern", "imperial", "santa barbara", "inyo"};
}

void fill_guard_words(lexicon& lex) {
  lex.stopwords = {
      "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
      "from", "with", "about", "as", "into", "like", "through", "i", "me", "my", "mine",
      "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her",
      "it", "its", "they", "them", "their", "this", "that", "these", "those", "is", "am",
      "are", "was", "were", "be", "been", "being", "have", "has", "had", "do", "does", "did",
      "will", "would", "shall", "should", "can", "could", "might", "must", "just", "so",
      "very", "really", "too", "also", "there", "here", "then", "than", "some", "any",
      "anything", "all", "get", "got", "please", "thanks", "ok", "guys", "now", "right",
      "what", "how", "when", "where", "who", "why", "which", "whom", "whose", "yet",
      "even", "ever", "quite", "much", "many", "more", "such", "own", "same", "other",
      "one", "ones", "again", "still", "only", "want", "need", "let", "know", "think",
      "tell", "give", "possible", "usually", "typically", "exactly", "actually", "currently",
      "maybe", "probably", "though", "going", "gonna", "way", "able", "hoping", "looking",
      "wondering", "curious", "anyone", "something", "kind", "sort", "bit",
      "lot", "much", "well", "thing", "things", "somebody", "someone",
  };
  // "stop texting" and "don't text" say the same thing, so stop/quit are cues
  // too; "cancel" is not: it is a pole of the booking group.
  lex.negations = {"not", "no", "never", "without", "none", "nothing", "nobody", "neither",
                   "nor", "stop", "quit", "nowhere", "unable", "refuse"};
  put_all(lex.polar_words, {
      {"buy", "deal:buy"}, {"buys", "deal:buy"}, {"buying", "deal:buy"}, {"bought", "deal:buy"},
      {"buyer", "deal:buy"}, {"buyers", "deal:buy"}, {"sell", "deal:sell"},
      {"sells", "deal:sell"}, {"selling", "deal:sell"}, {"sold", "deal:sell"},
      {"seller", "deal:sell"}, {"sellers", "deal:sell"}, {"rent", "tenure:rent"},
      {"rents", "tenure:rent"}, {"renting", "tenure:rent"}, {"rented", "tenure:rent"},
      {"rental", "tenure:rent"}, {"rentals", "tenure:rent"}, {"renter", "tenure:rent"},
      {"renters", "tenure:rent"}, {"lease", "tenure:rent"}, {"leasing", "tenure:rent"},
      {"leased", "tenure:rent"}, {"tenant", "tenure:rent"}, {"tenants", "tenure:rent"},
      {"landlord", "tenure:rent"}, {"own", "tenure:own"}, {"owned", "tenure:own"},
      {"owning", "tenure:own"}, {"owner", "tenure:own"}, {"owners", "tenure:own"},
      {"homeowner", "tenure:own"}, {"homeowners", "tenure:own"}, {"before", "sequence:before"},
      {"after", "sequence:after"}, {"afterwards", "sequence:after"},
      {"over", "compare:over"}, {"above", "compare:over"}, {"bigger", "compare:over"},
      {"larger", "compare:over"}, {"under", "compare:under"}, {"below", "compare:under"},
      {"cheaper", "compare:under"},
      {"smaller", "compare:under"}, {"cancel", "booking:cancel"},
      {"cancelled", "booking:cancel"}, {"canceled", "booking:cancel"},
      {"canceling", "booking:cancel"}, {"cancelling", "booking:cancel"},
      {"cancellation", "booking:cancel"}, {"schedule", "booking:schedule"},
      {"scheduled", "booking:schedule"}, {"scheduling", "booking:schedule"},
      {"book", "booking:schedule"}, {"booked", "booking:schedule"},
      {"reschedule", "booking:reschedule"}, {"rescheduled", "booking:reschedule"},
      {"postpone", "booking:reschedule"}, {"confirm", "booking:confirm"},
      {"confirmed", "booking:confirm"}, {"raise", "change:up"}, {"increase", "change:up"},
      {"higher", "change:up"}, {"lower", "change:down"}, {"reduce", "change:down"},
      {"decrease", "change:down"}, {"drop", "change:down"}, {"withdraw", "change:withdraw"},
      {"rescind", "change:withdraw"}, {"retract", "change:withdraw"},
      {"unsubscribe", "membership:out"}, {"subscribe", "membership:in"},
      {"done", "progress:done"}, {"finished", "progress:done"}, {"found", "progress:done"},
      {"still", "progress:ongoing"}, {"continue", "progress:ongoing"},
      {"yes", "answer:yes"}, {"accept", "decision:accept"}, {"accepted", "decision:accept"},
      {"reject", "decision:reject"}, {"rejected", "decision:reject"},
      {"decline", "decision:reject"}, {"declined", "decision:reject"},
      {"counter", "decision:counter"}, {"counteroffer", "decision:counter"},
      {"upstairs", "floor:up"}, {"downstairs", "floor:down"}, {"single story", "floor:single"},
      {"early", "timing:early"}, {"late", "timing:late"}, {"earlier", "timing:early"},
      {"later", "timing:late"}, {"refinance", "deal:refinance"}, {"refi", "deal:refinance"},
      // Opposite qualities change the answer: "good credit" vs "bad credit",
      // "is it hard to" vs "is it easy to", "rates are high" vs "low".
      {"good", "quality:good"}, {"great", "quality:good"}, {"excellent", "quality:good"},
      {"nice", "quality:good"}, {"bad", "quality:bad"}, {"poor", "quality:bad"},
      {"terrible", "quality:bad"}, {"horrible", "quality:bad"}, {"awful", "quality:bad"},
      {"easy", "effort:easy"}, {"simple", "effort:easy"}, {"hard", "effort:hard"},
      {"difficult", "effort:hard"}, {"tough", "effort:hard"}, {"fast", "speed:fast"},
      {"quick", "speed:fast"}, {"quickly", "speed:fast"}, {"slow", "speed:slow"},
      {"slowly", "speed:slow"}, {"high", "level:high"}, {"low", "level:low"},
      {"big", "size:big"}, {"large", "size:big"}, {"huge", "size:big"},
      {"spacious", "size:big"}, {"small", "size:small"}, {"tiny", "size:small"},
      {"cheap", "price:low"}, {"affordable", "price:low"}, {"inexpensive", "price:low"},
      {"expensive", "price:high"}, {"pricey", "price:high"}, {"luxury", "price:high"},
      {"love", "sentiment:positive"}, {"loved", "sentiment:positive"},
      {"hate", "sentiment:negative"}, {"hated", "sentiment:negative"},
      {"dislike", "sentiment:negative"}, {"start", "span:start"}, {"starts", "span:start"},
      {"begin", "span:start"}, {"begins", "span:start"}, {"end", "span:end"},
      {"ends", "span:end"}, {"include", "scope:include"}, {"includes", "scope:include"},
      {"included", "scope:include"}, {"exclude", "scope:exclude"},
      {"excludes", "scope:exclude"}, {"excluded", "scope:exclude"},
      {"except", "scope:exclude"}, {"allow", "permission:allow"},
      {"allows", "permission:allow"}, {"allowed", "permission:allow"},
      {"permitted", "permission:allow"}, {"ban", "permission:forbid"},
      {"banned", "permission:forbid"}, {"prohibit", "permission:forbid"},
      {"prohibited", "permission:forbid"}, {"restrict", "permission:forbid"},
      {"approved", "decision:accept"}, {"approve", "decision:accept"},
      {"denied", "decision:reject"}, {"deny", "decision:reject"},
      {"rising", "trend:up"}, {"going up", "trend:up"}, {"went up", "trend:up"},
      {"go up", "trend:up"}, {"appreciating", "trend:up"}, {"falling", "trend:down"},
      {"dropping", "trend:down"}, {"going down", "trend:down"}, {"went down", "trend:down"},
      {"go down", "trend:down"}, {"crashing", "trend:down"}, {"furnished", "furnishing:yes"},
      {"unfurnished", "furnishing:no"}, {"first", "order:first"}, {"second", "order:second"},
      {"last", "order:last"}, {"inside", "location:inside"}, {"outside", "location:outside"},
      {"upgrade", "change:up"}, {"downgrade", "change:down"}, {"downsize", "size:small"},
      {"upsize", "size:big"}, {"pay", "money:pay"}, {"pays", "money:pay"},
      {"paid", "money:pay"}, {"receive", "money:receive"}, {"get paid", "money:receive"},
      {"refund", "money:receive"}, {"refunded", "money:receive"},
  });
  lex.ordered_polar_groups = {"sequence"};
  put_all(lex.topics, {
      {"hoa", "hoa"}, {"hoa fees", "hoa"}, {"property tax", "property_tax"},
      {"mello roos", "mello_roos"}, {"escrow", "escrow"}, {"commission", "commission"},
      {"closing costs", "closing_costs"}, {"closing cost", "closing_costs"},
      {"earnest money", "earnest_money"}, {"down payment", "down_payment"},
      {"inspection", "inspection"}, {"inspector", "inspection"},
      {"home inspection", "inspection"}, {"appraisal", "appraisal"},
      {"appraiser", "appraisal"}, {"preapproval", "preapproval"}, {"credit", "credit"},
      {"fha", "fha"}, {"va", "va"}, {"usda", "usda"}, {"conventional", "conventional"},
      {"jumbo", "jumbo"}, {"interest rate", "interest_rate"}, {"interest rates", "interest_rate"},
      {"mortgage rate", "interest_rate"}, {"mortgage rates", "interest_rate"},
      {"lender", "lender"}, {"lenders", "lender"}, {"contractor", "contractor"},
      {"contractors", "contractor"}, {"handyman", "contractor"}, {"plumber", "plumber"},
      {"electrician", "electrician"}, {"roofer", "roofer"}, {"schools", "schools"},
      {"pool", "pool"}, {"adu", "adu"}, {"solar", "solar"}, {"garage", "garage"},
      {"backyard", "backyard"}, {"market", "market"}, {"housing market", "market"},
      {"valuation", "valuation"}, {"worth", "valuation"}, {"comps", "comps"},
      {"disclosures", "disclosures"}, {"disclosure", "disclosures"},
      {"open house", "open_house"}, {"tour", "tour"}, {"tours", "tour"},
      {"walkthrough", "walkthrough"}, {"final walkthrough", "walkthrough"},
      {"offer", "offer"}, {"offers", "offer"}, {"contingency", "contingency"},
      {"contingencies", "contingency"}, {"short sale", "short_sale"},
      {"short sales", "short_sale"}, {"foreclosure", "foreclosure"},
      {"foreclosures", "foreclosure"}, {"new construction", "new_construction"},
      {"fixer", "fixer"}, {"fixers", "fixer"}, {"staging", "staging"},
      {"photos", "photos"}, {"photo", "photos"}, {"insurance", "insurance"},
      {"homeowners insurance", "insurance"}, {"home warranty", "warranty"},
      {"warranty", "warranty"}, {"utilities", "utilities"}, {"commute", "commute"},
      {"crime", "crime"}, {"financing", "financing"}, {"closing", "closing"},
      {"net", "proceeds"}, {"condo", "condo"}, {"condos", "condo"}, {"townhome", "townhome"},
      {"townhomes", "townhome"}, {"townhouse", "townhome"}, {"mobile home", "mobile_home"},
      {"manufactured home", "mobile_home"}, {"land", "land"},
      {"acre", "land"}, {"acres", "land"}, {"roof", "roof"}, {"termite", "termite"},
      {"termites", "termite"}, {"septic", "septic"}, {"well water", "well"},
      {"hours", "hours"}, {"office", "office"}, {"first time", "first_time"},
      {"down payment assistance", "dpa"}, {"dpa", "dpa"}, {"calhfa", "calhfa"},
      {"capital gains", "capital_gains"}, {"1031", "exchange_1031"}, {"probate", "probate"},
      {"divorce", "divorce"}, {"relocation", "relocation"}, {"investment", "investment"},
      {"investor", "investment"}, {"airbnb", "short_term_rental"}, {"flood", "flood"},
      {"fire insurance", "insurance"}, {"earthquake", "earthquake"}, {"pmi", "pmi"},
      {"points", "points"}, {"rate lock", "rate_lock"}, {"lock", "rate_lock"},
      {"cash", "cash"}, {"cash offer", "cash_offer"}, {"ibuyer", "ibuyer"},
      {"zillow", "zillow"}, {"zestimate", "zillow"}, {"photos of", "photos"},
      {"repairs", "repairs"}, {"repair", "repairs"}, {"fix", "repairs"},
      {"renovations", "repairs"}, {"remodel", "repairs"}, {"pets", "pets"}, {"dogs", "pets"},
      {"dog", "pets"}, {"cats", "pets"}, {"cat", "pets"}, {"parking", "parking"},
      {"gated", "gated"}, {"senior", "senior"}, {"55+", "senior"}, {"view", "view"},
      {"lake view", "view"}, {"fireplace", "fireplace"}, {"air conditioning", "air_conditioning"},
  });
}

void fill_streets(lexicon& lex) {
  put_all(lex.street_suffixes, {
      {"ave", "avenue"}, {"av", "avenue"}, {"avenue", "avenue"}, {"st", "street"},
      {"street", "street"}, {"rd", "road"}, {"road", "road"}, {"blvd", "boulevard"},
      {"boulevard", "boulevard"}, {"dr", "drive"}, {"drive", "drive"}, {"ln", "lane"},
      {"lane", "lane"}, {"ct", "court"}, {"court", "court"}, {"way", "way"}, {"pl", "place"},
      {"place", "place"}, {"pkwy", "parkway"}, {"parkway", "parkway"}, {"cir", "circle"},
      {"circle", "circle"}, {"hwy", "highway"}, {"highway", "highway"}, {"trl", "trail"},
      {"trail", "trail"}, {"ter", "terrace"}, {"terrace", "terrace"}, {"loop", "loop"},
      {"row", "row"}, {"path", "path"}, {"pike", "pike"},
      {"square", "square"}, {"cres", "crescent"}, {"crescent", "crescent"},
      {"aly", "alley"}, {"alley", "alley"}, {"walk", "walk"}, {"run", "run"},
      {"xing", "crossing"}, {"crossing", "crossing"}, {"pt", "point"}, {"point", "point"},
      {"grv", "grove"}, {"grove", "grove"}, {"hts", "heights"}, {"cv", "cove"},
      {"cove", "cove"}, {"pass", "pass"}, {"vw", "view"}, {"vista", "vista"},
  });
  // Single letters after a house number are directions; the normaliser keeps
  // them ("455 w grand blvd") instead of reading "w" as "with".
  put_all(lex.directions, {
      {"n", "north"}, {"north", "north"}, {"s", "south"}, {"south", "south"},
      {"e", "east"}, {"east", "east"}, {"w", "west"}, {"west", "west"},
      {"ne", "northeast"}, {"northeast", "northeast"}, {"nw", "northwest"},
      {"northwest", "northwest"}, {"se", "southeast"}, {"southeast", "southeast"},
      {"sw", "southwest"}, {"southwest", "southwest"},
  });
  lex.unit_markers = {"unit", "apt", "apartment", "suite", "ste", "#", "spc", "space", "lot",
                      "bldg", "building"};
}

}  // namespace

void refresh_phrase_length(lexicon& lex) {
  std::size_t longest = 1;
  auto scan = [&](const auto& map) {
    for (const auto& entry : map) longest = std::max(longest, words_in(entry.first));
  };
  scan(lex.spellings);
  scan(lex.synonyms);
  scan(lex.polar_words);
  scan(lex.topics);
  for (const auto& city : lex.cities) longest = std::max(longest, words_in(city));
  // "<county> county" is one word longer than the county's name.
  for (const auto& county : lex.counties) longest = std::max(longest, words_in(county) + 1);
  lex.max_phrase_words = longest;
}

lexicon default_lexicon() {
  lexicon lex;
  fill_spellings(lex);
  fill_synonyms(lex);
  fill_numbers(lex);
  fill_places(lex);
  fill_guard_words(lex);
  fill_streets(lex);
  refresh_phrase_length(lex);
  return lex;
}

}  // namespace openhouse::cache
