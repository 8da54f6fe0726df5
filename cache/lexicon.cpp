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

// The tables below are laid out by hand, several entries a line.
// clang-format off
void fill_spellings(lexicon& lex) {
  // What people type in texts, mapped to the words the rest of the pipeline
  // understands. Contractions with an apostrophe are expanded by the
  // normaliser itself; these are the apostrophe-less forms SMS produces.
  put_all(lex.spellings, {
      {"u", "you"}, {"ya", "you"}, {"yu", "you"}, {"ur", "your"}, {"youre", "you are"},
      {"r", "are"}, {"thx", "thanks"}, {"thnx", "thanks"}, {"thanx", "thanks"},
      {"tx", "thanks"}, {"ty", "thanks"}, {"tysm", "thanks"}, {"thank you", "thanks"},
      {"thanks so much", "thanks"}, {"pls", "please"}, {"plz", "please"}, {"plse", "please"},
      {"pleas", "please"}, {"b4", "before"}, {"bfore", "before"}, {"befor", "before"}, {"bfeore", "before"},
      {"bfr", "before"}, {"w/", "with"},
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
      {"anymore", ""}, {"any more", ""}, {"rather not", "not"}, {"half a million", "$500000"},
      {"a million", "$1000000"},
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
      {"nov", "november"}, {"dec", "december"}, {"wud", "would"}, {"shud", "should"},
      {"cud", "could"}, {"wat's", "what is"},
  });
}

void fill_more_spellings(lexicon& lex) {
  // More texting shorthand, dropped letters and common misspellings.
  put_all(lex.spellings, {
      {"hw", "how"}, {"whn", "when"}, {"wen", "when"}, {"wher", "where"}, {"whr", "where"},
      {"wy", "why"}, {"wats", "what is"}, {"wuts", "what is"}, {"wuz", "was"},
      {"whatre", "what are"}, {"whatcha", "what are you"}, {"yall", "you"}, {"ya'll", "you"},
      {"you guys", "you"}, {"u guys", "you"}, {"you all", "you"}, {"yo u", "you"},
      {"ur self", "yourself"}, {"sry", ""}, {"srry", ""}, {"sorry", ""}, {"nvm", ""}, {"ttyl", ""},
      {"lmk", "let me know"}, {"imo", ""}, {"imho", ""}, {"ngl", ""}, {"jk", ""}, {"haha", ""},
      {"hahaha", ""}, {"lolol", ""}, {"heyy", ""}, {"heyyy", ""}, {"hiya", ""}, {"sup", ""},
      {"wassup", ""}, {"howdy", ""}, {"greetings", ""}, {"good morning", ""},
      {"good afternoon", ""}, {"good evening", ""}, {"hey there", ""}, {"hi there", ""},
      {"so yeah", ""}, {"just wondering", ""}, {"real quick", ""}, {"quick q", ""},
      {"q", "question"}, {"ques", "question"}, {"ok so", ""}, {"okey", "ok"}, {"oki", "ok"},
      {"okk", "ok"}, {"alright", "ok"}, {"aight", "ok"}, {"alr", "ok"}, {"cool", "ok"},
      {"sounds good", "ok"}, {"sgtm", "ok"}, {"yess", "yes"}, {"yesss", "yes"}, {"yass", "yes"},
      {"yah", "yes"}, {"sure thing", "yes"}, {"noo", "no"}, {"nooo", "no"}, {"nah", "no"},
      {"naw", "no"}, {"thankyou", "thanks"}, {"thnks", "thanks"}, {"thks", "thanks"},
      {"tyvm", "thanks"}, {"appreciate it", "thanks"}, {"much appreciated", "thanks"},
      {"thanks a lot", "thanks"}, {"thanks again", "thanks"}, {"plss", "please"},
      {"pleasee", "please"}, {"pleaseee", "please"}, {"cld", "could"}, {"wld", "would"},
      {"shld", "should"}, {"shoud", "should"}, {"woud", "would"}, {"coud", "could"},
      {"ne1", "anyone"}, {"any1", "anyone"}, {"some1", "someone"}, {"sum1", "someone"},
      {"every1", "everyone"}, {"l8r", "later"}, {"l8", "late"}, {"str8", "straight"},
      {"tryna", "trying to"}, {"finna", "going to"}, {"outta", "out of"}, {"lotta", "many"},
      {"a lot of", "many"}, {"alot of", "many"}, {"lots of", "many"}, {"a ton of", "many"},
      {"lookin", "looking"}, {"tryin", "trying"}, {"goin", "going"}, {"thinkin", "thinking"},
      {"wonderin", "wondering"}, {"somethin", "something"}, {"nothin", "nothing"},
      {"anythin", "anything"}, {"buyin", "buying"}, {"sellin", "selling"}, {"rentin", "renting"},
      {"movin", "moving"}, {"ofc", "of course"}, {"def", "definitely"}, {"deff", "definitely"},
      {"definately", "definitely"}, {"definitly", "definitely"}, {"prob", "probably"},
      {"w/e", "whatever"}, {"whatev", "whatever"}, {"cos", "because"}, {"bcs", "because"},
      {"bcz", "because"}, {"becasue", "because"}, {"b4hand", "beforehand"}, {"avg", "average"},
      {"est", "estimate"}, {"estd", "estimated"}, {"apx", "about"}, {"appx", "about"},
      {"abt", "about"}, {"bout", "about"}, {"intrested", "interested"}, {"intersted", "interested"},
      {"interseted", "interested"}, {"intrested in", "interested in"}, {"availible", "available"},
      {"avalable", "available"}, {"availabe", "available"}, {"avaliable", "available"},
      {"availble", "available"}, {"recomend", "recommend"}, {"reccomend", "recommend"},
      {"reccommend", "recommend"}, {"apraisal", "appraisal"}, {"appraisel", "appraisal"},
      {"apprasial", "appraisal"}, {"inspecton", "inspection"}, {"inspction", "inspection"},
      {"preaproved", "preapproved"}, {"pre aproved", "preapproved"}, {"aproved", "approved"},
      {"approvd", "approved"}, {"morgtage", "mortgage"}, {"mortgauge", "mortgage"},
      {"morgage", "mortgage"}, {"commision", "commission"}, {"comission", "commission"},
      {"commissions", "commission"}, {"buisness", "business"}, {"bussiness", "business"},
      {"neighborhod", "neighborhood"}, {"nieghborhood", "neighborhood"},
      {"neighbor hood", "neighborhood"}, {"neighbourhoods", "neighborhoods"},
      {"wensday", "wednesday"}, {"wednsday", "wednesday"}, {"thurday", "thursday"},
      {"thrusday", "thursday"}, {"febuary", "february"}, {"realitor", "realtor"},
      {"reltor", "realtor"}, {"relater", "realtor"}, {"closeing", "closing"}, {"dwn", "down"},
      {"pymt", "payment"}, {"pmt", "payment"}, {"pymnt", "payment"}, {"mthly", "monthly"},
      {"mnthly", "monthly"}, {"propery", "property"}, {"proprety", "property"},
      {"porperty", "property"}, {"propertys", "properties"}, {"hous", "house"}, {"houes", "house"},
      {"hosue", "house"}, {"hom", "home"}, {"hme", "home"}, {"lisitng", "listing"},
      {"listng", "listing"}, {"lisitngs", "listings"}, {"listngs", "listings"},
      {"schedual", "schedule"}, {"shedule", "schedule"}, {"scedule", "schedule"},
      {"apointment", "appointment"}, {"appointmnt", "appointment"}, {"bedrm", "bedroom"},
      {"bathrm", "bathroom"}, {"garge", "garage"}, {"grage", "garage"}, {"kichen", "kitchen"},
      {"kitchn", "kitchen"}, {"backyrd", "backyard"}, {"yd", "yard"}, {"gar", "garage"},
      {"pkg", "parking"}, {"hvac", "air conditioning"}, {"central air", "air conditioning"},
      {"a/c", "air conditioning"}, {"w/d", "washer dryer"}, {"sfr", "single family home"},
      {"sfh", "single family home"}, {"dp", "down payment"}, {"fsbo", "for sale by owner"},
      {"dom", "days on market"}, {"mls", "listing"}, {"ca", "california"}, {"cali", "california"},
      {"calif", "california"}, {"socal", "southern california"}, {"so cal", "southern california"},
      {"55+", "senior"}, {"55 +", "senior"}, {"single story", "1 story"},
      {"single level", "1 story"}, {"one story", "1 story"}, {"one level", "1 story"},
      {"co sign", "cosign"}, {"co signer", "cosigner"}, {"hmu", "text me"}, {"txt me", "text me"},
      {"hit me up", "text me"}, {"hit me back", "text me back"}, {"dm me", "text me"},
      {"ping me", "text me"}, {"reach out", "contact"}, {"get in touch", "contact"},
      {"get ahold of", "contact"}, {"get a hold of", "contact"}, {"hear back", "reply"},
      {"get back to me", "reply to me"}, {"write back", "reply"}, {"msging", "messaging"},
      {"msgd", "messaged"}, {"txting", "texting"}, {"txtd", "texted"}, {"txtin", "texting"},
      {"respond", "reply"},
      {"responded", "replied"},
                         });
}

void fill_more_synonyms(lexicon& lex) {
  // More ways of naming the same real-estate thing.
  put_all(lex.synonyms, {
      {"you offer", "you have"}, {"virtual showing", "video tour"},
      {"virtual showings", "video tours"}, {"video showing", "video tour"},
      {"video showings", "video tours"}, {"hold off", "wait"}, {"holding off", "waiting"},
      {"rates", "interest rates"}, {"messaging", "texting"}, {"message", "text"},
      {"messages", "texts"}, {"messaged", "texted"},
      {"sms", "text"}, {"sms me", "text me"}, {"home loan", "mortgage"}, {"house loan", "mortgage"},
      {"home loans", "mortgage"}, {"mortgage loan", "mortgage"}, {"attorney", "lawyer"},
      {"attorneys", "lawyers"}, {"legal advice", "lawyer"}, {"real estate attorney", "lawyer"},
      {"pet friendly", "allows pets"}, {"pets allowed", "allows pets"},
      {"allow pets", "allows pets"}, {"take pets", "allows pets"}, {"allow dogs", "allows pets"},
      {"dog friendly", "allows pets"}, {"single family home", "home"},
      {"single family homes", "homes"}, {"single family house", "home"}, {"single family", "home"},
      {"sfr home", "home"}, {"town home", "townhome"}, {"town homes", "townhomes"},
      {"town house", "townhouse"}, {"town houses", "townhomes"}, {"condominium", "condo"},
      {"condominiums", "condos"}, {"apartment", "condo"}, {"duplexes", "duplex"},
      {"triplex", "multifamily"}, {"fourplex", "multifamily"}, {"multi family", "multifamily"},
      {"on the market", "for sale"}, {"up for sale", "for sale"}, {"up for grabs", "available"},
      {"still for sale", "still available"}, {"still on the market", "still available"},
      {"still up", "still available"}, {"still active", "still available"},
      {"off the market", "sold"}, {"under contract", "pending"}, {"sale pending", "pending"},
      {"go for", "sell for"}, {"going for", "selling for"}, {"going price", "price"},
      {"asking price", "price"}, {"list price", "price"}, {"listing price", "price"},
      {"sale price", "price"}, {"selling price", "price"}, {"sales price", "price"},
      {"price tag", "price"}, {"market value", "valuation"}, {"value of my home", "valuation"},
      {"value of my house", "valuation"}, {"my home value", "my valuation"},
      {"home values", "home valuations"}, {"property value", "valuation"},
      {"property values", "valuations"}, {"appraised value", "appraisal"},
      {"home appraisal", "appraisal"}, {"house appraisal", "appraisal"},
      {"home inspector", "inspector"}, {"house inspection", "inspection"},
      {"home inspection", "inspection"}, {"property inspection", "inspection"},
      {"pest inspection", "termite inspection"}, {"termite report", "termite inspection"},
      {"interest rate", "interest rate"}, {"mortgage interest rate", "interest rate"},
      {"mortgage interest rates", "interest rates"}, 
      {"down pmt", "down payment"}, {"downpayment", "down payment"},
      {"down payments", "down payment"}, {"money down", "down payment"},
      {"put down", "down payment"}, {"putting down", "down payment"},
      {"closing fees", "closing costs"}, {"closing expenses", "closing costs"},
      {"cost to close", "closing costs"}, {"costs to close", "closing costs"},
      {"home owners insurance", "homeowners insurance"}, {"home insurance", "homeowners insurance"},
      {"house insurance", "homeowners insurance"}, {"hazard insurance", "homeowners insurance"},
      {"property insurance", "homeowners insurance"}, {"hoa dues", "hoa fees"},
      {"hoa fee", "hoa fees"}, {"association fees", "hoa fees"}, {"hoa payment", "hoa fees"},
      {"hoa cost", "hoa fees"}, {"hoa costs", "hoa fees"}, {"monthly hoa", "hoa fees"},
      {"realtor commission", "commission"}, {"realtors commission", "commission"},
      {"agent commissions", "commission"}, {"listing fee", "commission"},
      {"listing fees", "commission"}, {"brokerage fee", "commission"}, {"your fee", "commission"},
      {"your fees", "commission"}, {"ur fee", "commission"}, {"your commission", "commission"},
      {"walk thru", "walkthrough"}, {"walk-through", "walkthrough"},
      {"final walk through", "walkthrough"}, {"final walkthrough", "walkthrough"},
      {"move in", "move in"}, {"moving in", "move in"}, {"move out", "move out"},
      {"pre qual", "preapproval"}, {"prequalification", "preapproval"},
      {"pre qualification", "preapproval"}, {"preapproval letter", "preapproval"},
      {"pre approval letter", "preapproval"}, {"pre-approval", "preapproval"},
      {"get approved", "get preapproval"}, {"mortgage approval", "preapproval"},
      {"loan preapproval", "preapproval"}, {"home loan approval", "preapproval"},
      {"mortgage preapproval", "preapproval"}, {"mortgage pre approval", "preapproval"},
      {"first time buyer", "first time buyer"}, {"first time home buyer", "first time buyer"},
      {"first time homebuyer", "first time buyer"}, {"first time buyers", "first time buyer"},
      {"first time home buyers", "first time buyer"}, {"homebuyer", "buyer"},
      {"home buyer", "buyer"}, {"homebuyers", "buyers"}, {"home buyers", "buyers"},
      {"home seller", "seller"}, {"home sellers", "sellers"}, {"listing agent", "sellers agent"},
      {"seller agent", "sellers agent"}, {"buyer agent", "buyers agent"},
      {"buying agent", "buyers agent"}, {"real estate broker", "agent"}, {"sales agent", "agent"},
      {"rep", "agent"}, {"loan officers", "lenders"}, {"mortgage company", "lender"},
      {"mortgage guy", "lender"}, {"loan guy", "lender"}, {"bank", "lender"}, {"banks", "lenders"},
      {"open houses", "open houses"}, {"open house", "open house"}, {"tour", "tour"},
      {"view the home", "tour the home"}, {"view the house", "tour the home"},
      {"check out the house", "tour the home"}, {"check out the home", "tour the home"},
      {"check out the property", "tour the home"}, {"see inside", "tour"},
      {"walk through the house", "tour the home"}, {"visit the house", "tour the home"},
      {"visit the home", "tour the home"}, {"come see", "tour"}, {"virtual tour", "video tour"},
      {"facetime tour", "video tour"}, {"zoom tour", "video tour"}, {"online tour", "video tour"},
      {"3d tour", "video tour"}, {"make an offer", "make an offer"},
      {"submit an offer", "make an offer"}, {"put in an offer", "make an offer"},
      {"put an offer", "make an offer"}, {"write an offer", "make an offer"},
      {"place an offer", "make an offer"}, {"send an offer", "make an offer"},
      {"put in a bid", "make an offer"}, {"bidding war", "multiple offers"},
      {"bidding wars", "multiple offers"}, {"counter offer", "counteroffer"},
      {"counter-offer", "counteroffer"}, {"backup offer", "backup offer"},
      {"accepted offer", "offer accepted"}, {"back out", "cancel"}, {"backing out", "canceling"},
      {"walk away from", "cancel"}, {"pull out of", "cancel"},
      {"get out of", "cancel"}, {"cancel the contract", "cancel"},
      {"cancel the deal", "cancel"}, {"escrow period", "escrow"}, {"escrow timeline", "escrow"},
      {"closing date", "closing"}, {"close date", "closing"}, {"closing day", "closing"},
      {"close on", "closing on"}, {"close the deal", "closing"},
      {"days on market", "days on market"}, {"time on market", "days on market"},
      {"sit on the market", "days on market"}, {"stay on the market", "days on market"},
      {"staying on the market", "days on market"}, {"sitting on the market", "days on market"},
      {"square feet", "sqft"}, {"sq feet", "sqft"}, {"sq ft", "sqft"}, {"sqft", "sqft"},
      {"lot size", "lot size"}, {"yard size", "backyard size"}, {"air con", "air conditioning"},
      {"aircon", "air conditioning"}, {"a/c unit", "air conditioning"},
      {"ac unit", "air conditioning"}, {"solar panel", "solar"}, {"solar system", "solar"},
      {"solar lease", "solar"}, {"swimming pools", "pool"}, {"pools", "pool"}, {"jacuzzi", "spa"},
      {"hot tub", "spa"}, {"garages", "garage"}, {"car garage", "car garage"},
      {"rv parking", "rv parking"}, {"school districts", "schools"}, {"school district", "schools"},
      {"school zone", "schools"}, {"school rating", "schools"}, {"school ratings", "schools"},
      {"good schools", "good schools"}, {"crime rate", "crime"}, {"crime rates", "crime"},
      {"safe area", "safe area"}, {"vacation home", "second home"}, {"2nd home", "second home"},
      {"rental property", "rental"}, {"rental properties", "rentals"},
      {"investment property", "investment"}, {"investment properties", "investment"},
      {"flip", "investment"}, {"property management", "property management"},
      {"property manager", "property management"}, {"manage rentals", "property management"},
      {"new listings", "new listings"}, {"new homes", "new construction"},
      {"brand new homes", "new construction"}, {"newly built", "new construction"},
      {"tract homes", "new construction"}, {"builder homes", "new construction"},
      {"foreclosed", "foreclosure"}, {"bank owned", "foreclosure"}, {"reo", "foreclosure"},
      {"short sale", "short sale"}, {"as is", "as is"}, {"as-is", "as is"},
      {"cash buyer", "cash offer"}, {"cash buyers", "cash offer"}, {"all cash", "cash"},
      {"sell fast", "sell quickly"}, {"sell quick", "sell quickly"}, {"sell asap", "sell quickly"},
      {"quick sale", "sell quickly"}, {"fast sale", "sell quickly"},
      {"mortgage payment", "payment"}, {"monthly payment", "payment"},
      {"monthly payments", "payment"}, {"house payment", "payment"},
      {"mortgage payments", "payment"}, {"monthly mortgage", "payment"},
      {"gift money", "gift funds"}, {"gifted funds", "gift funds"}, {"gift", "gift funds"},
      {"gifted", "gift funds"}, {"cosigner", "cosign"}, {"co signer", "cosign"},
      {"credit scores", "credit"}, {"credit rating", "credit"}, {"fico score", "credit"},
      {"va home loan", "va"}, {"fha mortgage", "fha"}, {"fha loans", "fha"},
      {"conventional loan", "conventional"}, {"conventional loans", "conventional"},
      {"jumbo loan", "jumbo"}, {"usda loan", "usda"}, {"private mortgage insurance", "pmi"},
      {"mortgage insurance", "pmi"}, {"capital gains tax", "capital gains"},
      {"capital gain", "capital gains"}, {"cap gains", "capital gains"},
      {"transfer taxes", "transfer tax"}, {"title insurance", "title insurance"},
      {"title company", "title"}, {"title fees", "title fees"}, {"homeowners association", "hoa"},
      {"hoas", "hoa"}, {"hoa rules", "hoa rules"}, {"cc&rs", "hoa rules"}, {"ccrs", "hoa rules"},
      {"hoa restrictions", "hoa rules"}, {"55 plus", "senior"}, {"senior community", "senior"},
      {"senior communities", "senior"}, {"retirement community", "senior"},
      {"active adult", "senior"}, {"freeway", "freeway"}, {"fwy", "freeway"},
      {"commute time", "commute"}, {"drive time", "commute"}, {"the drive", "commute"},
      {"drive to work", "commute"}, {"traffic", "traffic"},
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
      {"see a house", "tour a home"}, {"see a home", "tour a home"},
      {"look at a house", "tour a home"},
      {"look at the house", "tour the home"}, {"look at the home", "tour the home"},
      {"house", "home"}, {"houses", "homes"}, {"property", "home"}, {"properties", "homes"},
      {"residence", "home"}, {"my place", "my home"}, {"our place", "our home"},
      {"a place", "a home"}, {"homes for sale", "listings"}, {"houses for sale", "listings"},
      {"properties for sale", "listings"}, {"house for sale", "listing"},
      {"home for sale", "listing"},
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
      {"or over", "over"}, {"or below", "under"}, {"or above", "over"}, {"cheaper than", "under"},
      {"bigger than", "over"},
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

void fill_polar_extras(lexicon& lex) {
  put_all(lex.polar_words, {
      {"more", "amount:more"}, {"less", "amount:less"}, {"fewer", "amount:less"},
      {"attached", "attachment:attached"}, {"detached", "attachment:detached"},
      {"fixed", "rate_type:fixed"}, {"adjustable", "rate_type:adjustable"},
      {"arm", "rate_type:adjustable"}, {"variable", "rate_type:adjustable"},
      {"public", "access:public"}, {"private", "access:private"}, {"new", "age:new"},
      {"newer", "age:new"}, {"old", "age:old"}, {"older", "age:old"}, {"heated", "heating:yes"},
      {"unheated", "heating:no"}, {"vacant", "occupancy:vacant"},
      {"occupied", "occupancy:occupied"}, {"come down", "direction:down"},
      {"coming down", "direction:down"}, {"go lower", "direction:down"},
      {"climbing", "direction:up"}, {"increasing", "direction:up"},
      {"decreasing", "direction:down"},
      {"declining", "direction:down"}, {"dropped", "direction:down"}, {"worse", "quality:bad"},
      {"better", "quality:good"}, {"best", "quality:good"}, {"worst", "quality:bad"},
      {"safe", "safety:safe"}, {"dangerous", "safety:unsafe"}, {"unsafe", "safety:unsafe"},
      {"sooner", "timing:early"}, {"minimum", "bound:min"}, {"maximum", "bound:max"},
      {"lowest", "bound:min"}, {"highest", "bound:max"}, {"top", "bound:max"},
      {"faster", "speed:fast"}, {"quicker", "speed:fast"}, {"slower", "speed:slow"},
      {"badly", "quality:bad"}, {"smart", "quality:good"},
      {"wise", "quality:good"},
      {"cover", "money:pay"}, {"covers", "money:pay"}, {"covered", "money:pay"},
      {"covering", "money:pay"},
                           });
  // One side naming a pole of these alone is emphasis or wording ("any good
  // lenders" / "recommend a lender", "who pays" / "who covers"); they flip the
  // answer only against another pole of the same group.
  lex.soft_polar_groups = {
      "quality",  "effort",     "speed",      "level",      "size",      "price",      "sentiment",
      "span",     "scope",      "permission", "furnishing", "order",
      "location", "money",      "answer",     "progress",   "floor",     "timing",     "particle",
      "amount",   "membership", "booking",    "attachment", "rate_type", "access",     "age",
      "heating",  "occupancy",  "safety",     "bound"};
  // Poles of soft groups that change the request even when the other text
  // names no pole of the group: "cancel my showing" is not "get a showing".
  lex.strong_poles = {"booking:cancel", "booking:reschedule", "membership:out", "progress:done"};
  lex.particles = {"up", "down", "back", "out", "off", "in", "on", "forward", "ahead", "away"};
  lex.phrasal_verbs = {"turn",  "switch", "opt",  "count", "sign",  "log",  "move", "check",
                       "keep",  "hold",   "put",  "bring", "drop",  "fill", "come", "go",
                       "get",   "let",    "walk", "plug",  "tune",  "move", "push", "pull",
                       "carry", "leave",  "stay", "cash",  "buy",   "sell", "lock", "pick",
                       "set",   "call",   "back", "pay",   "phase", "ease", "bump", "scale"};
  put_all(lex.roles, {
      {"buyer", "buyer"}, {"buyers", "buyer"}, {"seller", "seller"}, {"sellers", "seller"},
      {"agent", "agent"}, {"agents", "agent"}, {"lender", "lender"}, {"lenders", "lender"},
      {"bank", "lender"}, {"banks", "lender"}, {"landlord", "landlord"}, {"landlords", "landlord"},
      {"tenant", "tenant"}, {"tenants", "tenant"}, {"renter", "tenant"}, {"renters", "tenant"},
      {"owner", "owner"}, {"owners", "owner"}, {"homeowner", "owner"}, {"homeowners", "owner"},
      {"appraiser", "appraiser"}, {"inspector", "inspector"}, {"builder", "builder"},
      {"contractor", "contractor"}, {"i", "self"}, {"me", "self"}, {"my", "self"}, {"we", "self"},
      {"us", "self"}, {"our", "self"}, {"you", "you"}, {"your", "you"},
                     });
  lex.place_types = {"hills",  "hill",     "heights",   "park",      "valley",  "ranch",  "lake",
                     "lakes",  "springs",  "estates",   "village",   "grove",   "canyon", "beach",
                     "mesa",   "vista",    "highlands", "woods",     "meadows", "crest",  "ridge",
                     "creek",  "mountain", "mountains", "glen",      "gardens", "bay",    "island",
                     "harbor", "shores",   "pines",     "oaks",      "palms",   "county", "city",
                     "town",   "viejo",    "verdes",    "margarita", "bluffs"};
  lex.place_prefixes = {"lake",  "mount", "mt",    "fort",   "port",  "san",   "santa", "los",
                        "las",   "el",    "del",   "rancho", "palos", "point", "big",   "little",
                        "upper", "lower", "north", "south",  "east",  "west",  "old"};
  lex.regions = {
      "california", "southern california", "arizona", "nevada", "oregon", "texas",
      "washington state", "florida", "new york", "colorado", "utah", "idaho",
  };
  // Concepts for the subject check: these are the same thing asked about.
  put_all(lex.concepts, {
      {"listing", "home"}, {"listings", "home"}, {"place", "home"}, {"unit", "home"},
      {"attorney", "lawyer"}, {"attorneys", "lawyer"}, {"lawyers", "lawyer"}, {"see", "topic:tour"},
      {"visit", "topic:tour"}, {"viewing", "topic:tour"}, {"loan", "mortgage"},
      {"loans", "mortgage"}, {"mortgages", "mortgage"}, {"bid", "topic:offer"},
      {"bids", "topic:offer"}, {"kids", "children"}, {"family", "children"},
      {"families", "children"}, {"neighborhood", "area"}, {"community", "area"},
      {"communities", "area"}, {"neighborhoods", "area"}, {"zone", "area"}, {"region", "area"},
      {"deposit", "topic:earnest_money"}, {"paperwork", "documents"}, {"docs", "documents"},
      {"document", "documents"}, {"forms", "documents"}, {"pics", "topic:photos"},
      {"images", "topic:photos"}, {"video", "topic:photos"}, {"footage", "sqft"}, {"size", "sqft"},
      {"cost", "cost"}, {"costs", "cost"}, {"price", "cost"}, {"prices", "cost"},
      {"pricing", "cost"}, {"fee", "cost"}, {"fees", "cost"}, {"charge", "cost"},
      {"charges", "cost"}, {"charged", "cost"}, {"expense", "cost"}, {"expenses", "cost"},
      {"human", "person"}, {"persons", "person"}, {"updated", "topic:repairs"},
      {"update", "topic:repairs"}, {"updates", "topic:repairs"}, {"renovated", "topic:repairs"},
      {"upgraded", "topic:repairs"}, {"upgrades", "topic:repairs"},
                        });
  // Words that frame a question or a request rather than name its subject.
  lex.framing_words = {
      "need",      "needs",         "needed",     "require",     "requires",
      "required",  "requirement",   "necessary",  "mandatory",   "want",
      "wants",     "wanted",        "like",       "know",        "knows",
      "think",     "get",           "gets",       "getting",     "got",
      "make",      "makes",         "making",     "take",        "takes",
      "go",        "goes",          "come",       "comes",       "look",
      "looks",     "find",          "help",       "tell",        "ask",
      "asking",    "explain",       "send",       "give",        "show",
      "let",       "try",           "trying",     "work",        "works",
      "happen",    "happens",       "mean",       "means",       "meaning",
      "put",       "keep",          "use",        "using",       "say",
      "talk",      "speak",         "wonder",     "plan",        "planning",
      "hope",      "expect",        "expected",   "seem",        "seems",
      "usually",   "typically",     "normally",   "generally",   "exactly",
      "really",    "actually",      "probably",   "also",        "already",
      "currently", "soon",          "else",       "anyway",      "maybe",
      "basically", "possible",      "possibly",   "able",        "sure",
      "typical",   "normal",        "usual",      "common",      "standard",
      "general",   "available",     "idea",       "thing",       "things",
      "stuff",     "way",           "ways",       "option",      "options",
      "info",      "information",   "question",   "questions",   "process",
      "step",      "steps",         "time",       "times",       "kind",
      "type",      "sort",          "part",       "situation",   "details",
      "detail",    "amount",        "total",      "much",        "many",
      "some",      "anything",      "everything", "something",   "somewhere",
      "around",    "here",          "there",      "currently",   "interested",
      "curious",   "wondering",     "thinking",   "considering", "hoping",
      "looking",   "chance",        "ok",          "okay",
      "thanks",    "please",        "ready",      "deal",        "matter",
      "anyone",    "someone",       "people",     "guys",        "yall",
      "folks",     "today",         "now",        "pretty",
      "estimate",  "figure",        "learn",      "wanna",
      "regarding", "tips",          "advice",     "recommend",   "suggest",
      "refer",     "differ",        "difference", "compare",     "versus",
      "vs",        "happening",     "anybody",    "somebody",    "whole",
      "overall",   "approximately", "roughly",    "list",        "sorry",
      "real",      "friendly",      "actual",     "specific",    "particular",
      "exact",
  };
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
      "much", "well", "thing", "things", "somebody", "someone",
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
      {"confirmed", "booking:confirm"}, {"raise", "direction:up"}, {"increase", "direction:up"},
      {"higher", "direction:up"}, {"lower", "direction:down"}, {"reduce", "direction:down"},
      {"decrease", "direction:down"}, {"drop", "direction:down"}, {"withdraw", "withdraw:yes"},
      {"rescind", "withdraw:yes"}, {"retract", "withdraw:yes"},
      {"unsubscribe", "membership:out"}, {"subscribe", "membership:in"},
      {"done", "progress:done"}, {"finished", "progress:done"}, {"found", "progress:done"},
      {"still", "progress:ongoing"}, {"continue", "progress:ongoing"},
      {"yes", "answer:yes"}, {"accept", "decision:accept"}, {"accepted", "decision:accept"},
      {"reject", "decision:reject"}, {"rejected", "decision:reject"},
      {"decline", "decision:reject"}, {"declined", "decision:reject"},
      {"counter", "decision:counter"}, {"counteroffer", "decision:counter"},
      {"upstairs", "floor:up"}, {"downstairs", "floor:down"},
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
      {"rising", "direction:up"}, {"going up", "direction:up"}, {"went up", "direction:up"},
      {"go up", "direction:up"}, {"appreciating", "direction:up"}, {"falling", "direction:down"},
      {"dropping", "direction:down"}, {"going down", "direction:down"},
      {"went down", "direction:down"},
      {"go down", "direction:down"}, {"crashing", "direction:down"},
      {"furnished", "furnishing:yes"},
      {"unfurnished", "furnishing:no"}, {"first", "order:first"}, {"second", "order:second"},
      {"last", "order:last"}, {"inside", "location:inside"}, {"outside", "location:outside"},
      {"upgrade", "direction:up"}, {"downgrade", "direction:down"}, {"downsize", "size:small"},
      {"upsize", "size:big"}, {"pay", "money:pay"}, {"pays", "money:pay"},
      {"paid", "money:pay"}, {"receive", "money:receive"}, {"get paid", "money:receive"},
      {"refund", "money:receive"}, {"refunded", "money:receive"},
  });
  lex.ordered_polar_groups = {"sequence"};
  fill_polar_extras(lex);
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
      {"days on market", "days_on_market"},
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

// clang-format on

}  // namespace

void protect_place_names(lexicon& lex) {
  // A city whose first word is a shorthand of another ("la quinta" and "la"
  // for Los Angeles, "rancho santa margarita" and "rancho") keeps its name:
  // the longest phrase wins, so the name maps to itself.
  auto protect = [](std::map<std::string, std::string>& map, const std::string& name) {
    const auto space = name.find(' ');
    if (space == std::string::npos) return;
    if (map.count(name.substr(0, space)) > 0) map.emplace(name, name);
  };
  for (const auto* names : {&lex.cities, &lex.regions}) {
    for (const auto& name : *names) {
      protect(lex.spellings, name);
      protect(lex.synonyms, name);
    }
  }
}

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
  for (const auto& region : lex.regions) longest = std::max(longest, words_in(region));
  // "<county> county" is one word longer than the county's name.
  for (const auto& county : lex.counties) longest = std::max(longest, words_in(county) + 1);
  lex.max_phrase_words = longest;
}

lexicon default_lexicon() {
  lexicon lex;
  fill_spellings(lex);
  fill_more_spellings(lex);
  fill_synonyms(lex);
  fill_more_synonyms(lex);
  fill_numbers(lex);
  fill_places(lex);
  fill_guard_words(lex);
  fill_streets(lex);
  protect_place_names(lex);
  refresh_phrase_length(lex);
  return lex;
}

}  // namespace openhouse::cache
