#include "agents/area_codes.hpp"

#include <algorithm>

namespace openhouse::agents {

namespace {

// IANA zones (canonical names; see area_code_table for what is folded).
constexpr std::string_view et = "America/New_York";
constexpr std::string_view ct = "America/Chicago";
constexpr std::string_view mt = "America/Denver";
constexpr std::string_view az = "America/Phoenix";  // Mountain, no daylight saving
constexpr std::string_view pt = "America/Los_Angeles";
constexpr std::string_view ak = "America/Anchorage";
constexpr std::string_view hat = "America/Adak";  // Hawaii-Aleutian with daylight saving
constexpr std::string_view hi = "Pacific/Honolulu";
constexpr std::string_view ast = "America/Puerto_Rico";  // Atlantic, no daylight saving
constexpr std::string_view chst = "Pacific/Guam";        // UTC+10
constexpr std::string_view sst = "Pacific/Pago_Pago";    // UTC-11

// Sources. Which codes exist and which state (or overlay) each serves is
// NANPA's to say (nationalnanpa.com, "NPA (Area) Codes": the NPA database
// and its reports); the list here was taken from libphonenumber's US number
// metadata (resources/PhoneNumberMetadata.xml, release 9.0.35, which tracks
// NANPA's assignments) and its geocoding data, the six announced overlays not
// yet in it added (357, 436, 624, 679, 729, 861, with the zones of the code
// each overlays). The zones follow the time zone boundaries (49 CFR part 71)
// across each code's territory and were compared code by code with
// libphonenumber's area code time zone map (resources/timezones/map_data.txt).
// Where the two differ this table mostly lists more zones: an overlay spans
// what the code it overlays spans (364, 448, 458, 930), and a town that keeps
// a neighbouring zone's clock by custom is listed (334: Phenix City), a
// hamlet is not (580: Kenton; 432: around Guadalupe Mountains). Two of that
// map's entries are wrong and not followed: 689 (Orlando) is Eastern, not
// Central, and no part of 907 keeps Hawaii's clock (Unalaska is on Alaska
// time; Adak and Atka on Hawaii-Aleutian time, America/Adak). A code
// whose territory crosses a zone line lists both zones: the number tells the
// area, not the side of the line. Recheck against NANPA's NPA database when
// a new code opens.
constexpr auto table = std::to_array<area_code_zones>({
    // clang-format off
    {201, {et}},  // NJ
    {202, {et}},  // DC
    {203, {et}},  // CT
    {205, {ct}},  // AL
    {206, {pt}},  // WA
    {207, {et}},  // ME
    {208, {mt, pt}},  // ID: Idaho; panhandle Pacific
    {209, {pt}},  // CA
    {210, {ct}},  // TX
    {212, {et}},  // NY
    {213, {pt}},  // CA
    {214, {ct}},  // TX
    {215, {et}},  // PA
    {216, {et}},  // OH
    {217, {ct}},  // IL
    {218, {ct}},  // MN
    {219, {ct, et}},  // IN: NW Indiana; Pulaski County exchanges keep Eastern
    {220, {et}},  // OH
    {223, {et}},  // PA
    {224, {ct}},  // IL
    {225, {ct}},  // LA
    {227, {et}},  // MD
    {228, {ct}},  // MS
    {229, {et}},  // GA
    {231, {et}},  // MI
    {234, {et}},  // OH
    {235, {ct}},  // MO
    {239, {et}},  // FL
    {240, {et}},  // MD
    {248, {et}},  // MI
    {251, {ct}},  // AL
    {252, {et}},  // NC
    {253, {pt}},  // WA
    {254, {ct}},  // TX
    {256, {ct}},  // AL
    {260, {et}},  // IN
    {262, {ct}},  // WI
    {267, {et}},  // PA
    {269, {et}},  // MI
    {270, {ct, et}},  // KY: W Kentucky; Elizabethtown area Eastern
    {272, {et}},  // PA
    {274, {ct}},  // WI
    {276, {et}},  // VA
    {279, {pt}},  // CA
    {281, {ct}},  // TX
    {283, {et}},  // OH
    {301, {et}},  // MD
    {302, {et}},  // DE
    {303, {mt}},  // CO
    {304, {et}},  // WV
    {305, {et}},  // FL
    {307, {mt}},  // WY
    {308, {ct, mt}},  // NE: W Nebraska; panhandle Mountain
    {309, {ct}},  // IL
    {310, {pt}},  // CA
    {312, {ct}},  // IL
    {313, {et}},  // MI
    {314, {ct}},  // MO
    {315, {et}},  // NY
    {316, {ct}},  // KS
    {317, {et}},  // IN
    {318, {ct}},  // LA
    {319, {ct}},  // IA
    {320, {ct}},  // MN
    {321, {et}},  // FL
    {323, {pt}},  // CA
    {324, {et}},  // FL
    {325, {ct}},  // TX
    {326, {et}},  // OH
    {327, {ct}},  // AR
    {329, {et}},  // NY
    {330, {et}},  // OH
    {331, {ct}},  // IL
    {332, {et}},  // NY
    {334, {ct, et}},  // AL: S Alabama; Phenix City area keeps Eastern (unofficial)
    {336, {et}},  // NC
    {337, {ct}},  // LA
    {339, {et}},  // MA
    {340, {ast}},  // VI: US Virgin Islands
    {341, {pt}},  // CA
    {346, {ct}},  // TX
    {347, {et}},  // NY
    {350, {pt}},  // CA
    {351, {et}},  // MA
    {352, {et}},  // FL
    {353, {ct}},  // WI
    {357, {pt}},  // CA: announced overlay of 559
    {360, {pt}},  // WA
    {361, {ct}},  // TX
    {363, {et}},  // NY
    {364, {ct, et}},  // KY: overlay of 270
    {369, {pt}},  // CA
    {380, {et}},  // OH
    {385, {mt}},  // UT
    {386, {et}},  // FL
    {401, {et}},  // RI
    {402, {ct}},  // NE
    {404, {et}},  // GA
    {405, {ct}},  // OK
    {406, {mt}},  // MT
    {407, {et}},  // FL
    {408, {pt}},  // CA
    {409, {ct}},  // TX
    {410, {et}},  // MD
    {412, {et}},  // PA
    {413, {et}},  // MA
    {414, {ct}},  // WI
    {415, {pt}},  // CA
    {417, {ct}},  // MO
    {419, {et}},  // OH
    {423, {et, ct}},  // TN: E Tennessee; Sequatchie valley Central
    {424, {pt}},  // CA
    {425, {pt}},  // WA
    {430, {ct}},  // TX
    {432, {ct}},  // TX: W Texas (Guadalupe Mtns NP area keeps Mountain: not listed)
    {434, {et}},  // VA
    {435, {mt}},  // UT
    {436, {et}},  // OH: announced overlay of 440
    {440, {et}},  // OH
    {442, {pt}},  // CA
    {443, {et}},  // MD
    {445, {et}},  // PA
    {447, {ct}},  // IL
    {448, {ct, et}},  // FL: overlay of 850
    {458, {pt, mt}},  // OR: overlay of 541
    {463, {et}},  // IN
    {464, {ct}},  // IL
    {469, {ct}},  // TX
    {470, {et}},  // GA
    {472, {et}},  // NC
    {475, {et}},  // CT
    {478, {et}},  // GA
    {479, {ct}},  // AR
    {480, {az}},  // AZ
    {484, {et}},  // PA
    {501, {ct}},  // AR
    {502, {et}},  // KY
    {503, {pt}},  // OR
    {504, {ct}},  // LA
    {505, {mt}},  // NM
    {507, {ct}},  // MN
    {508, {et}},  // MA
    {509, {pt}},  // WA
    {510, {pt}},  // CA
    {512, {ct}},  // TX
    {513, {et}},  // OH
    {515, {ct}},  // IA
    {516, {et}},  // NY
    {517, {et}},  // MI
    {518, {et}},  // NY
    {520, {az}},  // AZ
    {530, {pt}},  // CA
    {531, {ct}},  // NE
    {534, {ct}},  // WI
    {539, {ct}},  // OK
    {540, {et}},  // VA
    {541, {pt, mt}},  // OR: E/S Oregon; Malheur County Mountain
    {551, {et}},  // NJ
    {557, {ct}},  // MO
    {559, {pt}},  // CA
    {561, {et}},  // FL
    {562, {pt}},  // CA
    {563, {ct}},  // IA
    {564, {pt}},  // WA
    {567, {et}},  // OH
    {570, {et}},  // PA
    {571, {et}},  // VA
    {572, {ct}},  // OK
    {573, {ct}},  // MO
    {574, {et, ct}},  // IN: N Indiana; Starke County Central
    {575, {mt}},  // NM
    {580, {ct}},  // OK: SW Oklahoma (Kenton keeps Mountain: not listed)
    {582, {et}},  // PA
    {585, {et}},  // NY
    {586, {et}},  // MI
    {601, {ct}},  // MS
    {602, {az}},  // AZ
    {603, {et}},  // NH
    {605, {ct, mt}},  // SD: South Dakota; west river Mountain
    {606, {et, ct}},  // KY: E Kentucky; Clinton, Cumberland counties Central
    {607, {et}},  // NY
    {608, {ct}},  // WI
    {609, {et}},  // NJ
    {610, {et}},  // PA
    {612, {ct}},  // MN
    {614, {et}},  // OH
    {615, {ct}},  // TN
    {616, {et}},  // MI
    {617, {et}},  // MA
    {618, {ct}},  // IL
    {619, {pt}},  // CA
    {620, {ct, mt}},  // KS: S Kansas; Greeley, Hamilton counties Mountain
    {623, {az}},  // AZ
    {624, {et}},  // NY: announced overlay of 716
    {626, {pt}},  // CA
    {628, {pt}},  // CA
    {629, {ct}},  // TN
    {630, {ct}},  // IL
    {631, {et}},  // NY
    {636, {ct}},  // MO
    {640, {et}},  // NJ
    {641, {ct}},  // IA
    {645, {et}},  // FL
    {646, {et}},  // NY
    {650, {pt}},  // CA
    {651, {ct}},  // MN
    {656, {et}},  // FL
    {657, {pt}},  // CA
    {659, {ct}},  // AL
    {660, {ct}},  // MO
    {661, {pt}},  // CA
    {662, {ct}},  // MS
    {667, {et}},  // MD
    {669, {pt}},  // CA
    {670, {chst}},  // MP: Northern Mariana Islands
    {671, {chst}},  // GU: Guam
    {678, {et}},  // GA
    {679, {et}},  // MI: announced overlay of 313
    {680, {et}},  // NY
    {681, {et}},  // WV
    {682, {ct}},  // TX
    {684, {sst}},  // AS: American Samoa
    {686, {et}},  // VA
    {689, {et}},  // FL
    {701, {ct, mt}},  // ND: North Dakota; southwest Mountain
    {702, {pt}},  // NV
    {703, {et}},  // VA
    {704, {et}},  // NC
    {706, {et}},  // GA
    {707, {pt}},  // CA
    {708, {ct}},  // IL
    {712, {ct}},  // IA
    {713, {ct}},  // TX
    {714, {pt}},  // CA
    {715, {ct}},  // WI
    {716, {et}},  // NY
    {717, {et}},  // PA
    {718, {et}},  // NY
    {719, {mt}},  // CO
    {720, {mt}},  // CO
    {724, {et}},  // PA
    {725, {pt}},  // NV
    {726, {ct}},  // TX
    {727, {et}},  // FL
    {728, {et}},  // FL
    {729, {et, ct}},  // TN: announced overlay of 423
    {730, {ct}},  // IL
    {731, {ct}},  // TN
    {732, {et}},  // NJ
    {734, {et}},  // MI
    {737, {ct}},  // TX
    {738, {pt}},  // CA
    {740, {et}},  // OH
    {743, {et}},  // NC
    {747, {pt}},  // CA
    {748, {mt}},  // CO
    {754, {et}},  // FL
    {757, {et}},  // VA
    {760, {pt}},  // CA
    {762, {et}},  // GA
    {763, {ct}},  // MN
    {765, {et}},  // IN
    {769, {ct}},  // MS
    {770, {et}},  // GA
    {771, {et}},  // DC
    {772, {et}},  // FL
    {773, {ct}},  // IL
    {774, {et}},  // MA
    {775, {pt, mt}},  // NV: N Nevada; West Wendover, Jackpot Mountain
    {779, {ct}},  // IL
    {781, {et}},  // MA
    {785, {ct, mt}},  // KS: N Kansas; Sherman, Wallace counties Mountain
    {786, {et}},  // FL
    {787, {ast}},  // PR: Puerto Rico
    {801, {mt}},  // UT
    {802, {et}},  // VT
    {803, {et}},  // SC
    {804, {et}},  // VA
    {805, {pt}},  // CA
    {806, {ct}},  // TX
    {808, {hi}},  // HI: Hawaii
    {810, {et}},  // MI
    {812, {et, ct}},  // IN: S Indiana; Evansville area Central
    {813, {et}},  // FL
    {814, {et}},  // PA
    {815, {ct}},  // IL
    {816, {ct}},  // MO
    {817, {ct}},  // TX
    {818, {pt}},  // CA
    {820, {pt}},  // CA
    {821, {et}},  // SC
    {826, {et}},  // VA
    {828, {et}},  // NC
    {830, {ct}},  // TX
    {831, {pt}},  // CA
    {832, {ct}},  // TX
    {835, {et}},  // PA
    {838, {et}},  // NY
    {839, {et}},  // SC
    {840, {pt}},  // CA
    {843, {et}},  // SC
    {845, {et}},  // NY
    {847, {ct}},  // IL
    {848, {et}},  // NJ
    {850, {ct, et}},  // FL: Florida Panhandle; Eastern east of the Apalachicola
    {854, {et}},  // SC
    {856, {et}},  // NJ
    {857, {et}},  // MA
    {858, {pt}},  // CA
    {859, {et}},  // KY
    {860, {et}},  // CT
    {861, {ct}},  // IL: announced overlay of 309
    {862, {et}},  // NJ
    {863, {et}},  // FL
    {864, {et}},  // SC
    {865, {et}},  // TN
    {870, {ct}},  // AR
    {872, {ct}},  // IL
    {878, {et}},  // PA
    {901, {ct}},  // TN
    {903, {ct}},  // TX
    {904, {et}},  // FL
    {906, {et, ct}},  // MI: Upper Peninsula; Wisconsin border counties Central
    {907, {ak, hat}},  // AK: Alaska; Aleutians west of 169.5W Hawaii-Aleutian
    {908, {et}},  // NJ
    {909, {pt}},  // CA
    {910, {et}},  // NC
    {912, {et}},  // GA
    {913, {ct}},  // KS
    {914, {et}},  // NY
    {915, {mt}},  // TX: El Paso, Hudspeth counties
    {916, {pt}},  // CA
    {917, {et}},  // NY
    {918, {ct}},  // OK
    {919, {et}},  // NC
    {920, {ct}},  // WI
    {925, {pt}},  // CA
    {928, {az, mt}},  // AZ: N Arizona; Navajo Nation keeps DST
    {929, {et}},  // NY
    {930, {et, ct}},  // IN: overlay of 812
    {931, {ct}},  // TN
    {934, {et}},  // NY
    {936, {ct}},  // TX
    {937, {et}},  // OH
    {938, {ct}},  // AL
    {939, {ast}},  // PR: Puerto Rico
    {940, {ct}},  // TX
    {941, {et}},  // FL
    {943, {et}},  // GA
    {945, {ct}},  // TX
    {947, {et}},  // MI
    {948, {et}},  // VA
    {949, {pt}},  // CA
    {951, {pt}},  // CA
    {952, {ct}},  // MN
    {954, {et}},  // FL
    {956, {ct}},  // TX
    {959, {et}},  // CT
    {970, {mt}},  // CO
    {971, {pt}},  // OR
    {972, {ct}},  // TX
    {973, {et}},  // NJ
    {975, {ct}},  // MO
    {978, {et}},  // MA
    {979, {ct}},  // TX
    {980, {et}},  // NC
    {983, {mt}},  // CO
    {984, {et}},  // NC
    {985, {ct}},  // LA
    {986, {mt, pt}},  // ID: overlay of 208
    {989, {et}},  // MI
    // clang-format on
});
static_assert(table.size() > 350);
static_assert(std::is_sorted(table.begin(), table.end(),
                             [](const auto& a, const auto& b) { return a.npa < b.npa; }));
static_assert(std::adjacent_find(table.begin(), table.end(), [](const auto& a, const auto& b) {
                return a.npa == b.npa;
              }) == table.end());
static_assert(std::all_of(table.begin(), table.end(),
                          [](const auto& e) { return !e.list().empty(); }));

constexpr bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

}  // namespace

std::span<const area_code_zones> area_code_table() noexcept { return table; }

std::optional<int> nanp_area_code(std::string_view e164) noexcept {
  // "+1" NPA NXX XXXX: both the area code and the exchange start with 2-9.
  if (e164.size() != 12 || e164[0] != '+' || e164[1] != '1') return std::nullopt;
  const auto number = e164.substr(2);
  if (!std::all_of(number.begin(), number.end(), digit)) return std::nullopt;
  if (number[0] < '2' || number[3] < '2') return std::nullopt;
  return (number[0] - '0') * 100 + (number[1] - '0') * 10 + (number[2] - '0');
}

std::span<const std::string_view> area_code_time_zones(int npa) noexcept {
  const auto* const it = std::lower_bound(
      table.begin(), table.end(), npa, [](const area_code_zones& e, int v) { return e.npa < v; });
  if (it == table.end() || it->npa != npa) return {};
  return it->list();
}

std::span<const std::string_view> lead_time_zones(std::string_view e164) noexcept {
  const auto npa = nanp_area_code(e164);
  return npa ? area_code_time_zones(*npa) : std::span<const std::string_view>{};
}

}  // namespace openhouse::agents
