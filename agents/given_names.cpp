#include "agents/given_names.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace openhouse::cache {

namespace {

// Source: written for openhouse from memory of the US Social Security
// Administration's lists of popular given names (ssa.gov/oact/babynames, the
// top names of the 1940s-2010s birth decades, both sexes), with the common
// nicknames of those names and the Hispanic and Asian-American given names
// frequent in California that the national top lists rank lower. Not a copy
// of the SSA files; lower case, 3+ letters, apostrophes dropped.
//
// Names that are also everyday words, months, places or brands are kept
// apart (word_like_text): they need a capital and a pattern.
constexpr std::string_view names_text =
    // Men, SSA top names of the 1940s-1990s.
    "james john robert michael david richard joseph thomas charles christopher daniel "
    "matthew anthony donald steven stephen paul andrew joshua kenneth kevin brian "
    "george timothy ronald edward jason jeffrey jeffery ryan jacob gary nicholas eric "
    "jonathan larry justin scott brandon benjamin samuel gregory alexander patrick "
    "raymond dennis jerry tyler aaron jose adam nathan henry douglas zachary peter kyle "
    "ethan walter noah jeremy keith roger terry gerald harold sean carl arthur lawrence "
    "dylan jesse bryan billy joe bruce gabriel logan albert willie alan juan wayne "
    "elijah randy roy vincent ralph eugene russell bobby mason philip phillip louis "
    "harry johnny howard fred jimmy antonio luis carlos victor martin ernest todd shawn "
    "travis chad jared curtis derek craig lucas luke caleb isaac evan connor cameron "
    "adrian ian nathaniel cody marcus joel liam owen aiden jayden carter wyatt "
    "sebastian julian levi isaiah landon grayson greyson jaxon jackson asher easton "
    "cooper xavier dominic jace ezra theodore leo josiah elias silas micah kai "
    "brayden kayden ryder roman everett waylon parker ayden jameson weston beau rowan "
    "emmett declan karter bryson knox cole gavin maxwell jonah brody bradley "
    "tristan colin jake blake garrett spencer preston dalton trevor seth devin tanner "
    "mitchell marco dustin danny tony mike stanley leonard manuel rodney norman allen "
    "marvin jeff lee melvin alfred francis herbert frederick edwin eddie ricky troy "
    "randall barry bernard mario leroy francisco micheal clifford miguel oscar jay jim "
    "tom calvin alex jon ronnie lloyd tommy leon darrell jerome floyd alvin tim wesley "
    "gordon dean greg jorge pedro derrick dan lewis corey herman maurice vernon "
    "roberto clyde hector shane ricardo sam rick lester brent ramon charlie gilbert "
    "marc reginald ruben brett rafael leslie edgar milton raul ben chester cecil duane "
    "andre elmer brad ron roland arnold harvey karl cory claude erik darryl jamie neil "
    "jessie javier fernando ted mathew tyrone darren lonnie julio kelly kurt allan "
    "nelson clayton hugh dwayne dwight armando felix jimmie wallace ken bob jaime "
    "casey alfredo alberto dave ivan johnnie sidney byron morris willard daryl ross "
    "virgil andy marshall salvador perry kirk sergio tracy kent terrance rene eduardo "
    "terrence enrique freddie stuart fredrick arturo alejandro jackie joey luther "
    "wendell jeremiah julius dana donnie otis shannon oliver homer gerard doug kenny "
    "hubert angelo shaun lyle matt lynn alfonso carlton ernesto neal pablo lorenzo "
    "omar wilbur horace roderick kerry abraham willis rickey ira andres cesar "
    "johnathan malcolm rudolph damon kelvin rudy alton archie pete randolph garry "
    "geoffrey jonathon felipe bennie gerardo loren delbert guillermo rodolfo myron "
    "edmund salvatore cedric lowell gregg wilson leland simon irving bryant rufus "
    "sammy kristopher marcos gustavo marty ellis gilberto clint nicolas laurence "
    "ismael orville ervin dewey wilfred josh hugo ignacio sheldon erick frankie stewart "
    "doyle darrel rogelio terence alonzo bert elbert ramiro conrad grady phil "
    "cornelius lamar rolando percy dexter bradford merle darin amos terrell moses irvin "
    "saul darnell randal tommie timmy darrin winston brendan toby abel dominick boyd "
    "courtney aubrey marlon emanuel jerald edmond emilio domingo "
    // Men, 2000s-2010s.
    "jaden jordyn kaden kayson jaxson jayce jase bryce brycen camden carson colby "
    "damian dominik elliot elliott emerson finn finley gage graham holden jeremias "
    "jonas josue judah kaleb kasen keegan kellan kendrick kingsley kobe lane landen "
    "leonel lukas malachi marcel matteo mateo maximus messiah nash nico nolan oakley "
    "orion paxton quentin quinton raiden reid remington rhett riley ronan rylan ryker "
    "santino skyler sullivan tate theo thiago tobias trent tucker tyson uriel vance "
    "walker waylen wesson xander zaiden zander zane zion ezekiel gideon killian "
    "jude kash atticus bennett brooks bowen cade cash chance collin conner corbin "
    "cristian dakota dante darius derick desmond dillon drake edwin enzo esteban "
    "fabian giovanni grady harrison hayden hector ibrahim ivan jamal jamari jarrett "
    "javon jefferson jensen joaquin johan jovanni julius kamden keaton kieran "
    "leonardo lincoln lorenzo maddox marcelo mekhi milo mohamed muhammad nasir "
    "nehemiah nikolai pierce quincy reed rocco romeo ruben ryland sincere solomon "
    "talon titus trey trenton tristen troy ulises valentino wade warren wilder "
    // Women, SSA top names of the 1940s-1990s.
    "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa "
    "nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda "
    "dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy "
    "angela shirley anna brenda pamela emma nicole helen samantha katherine christine "
    "debra rachel carolyn janet catherine maria diane ruth julie olivia joyce "
    "lauren christina joan evelyn judith megan andrea cheryl hannah jacqueline martha "
    "gloria teresa ann anne sara frances kathryn janice jean abigail alice judy sophia "
    "denise doris marilyn danielle beverly isabella theresa diana natalie brittany "
    "marie kayla alexis lori tiffany tammy julia paula annie vanessa jane caroline "
    "erica erika brooke whitney gabrielle audrey claire hailey haley kaitlyn caitlin "
    "katelyn ava mia chloe zoe ella avery scarlett aria penelope layla nora ellie "
    "stella leah addison natalia skylar camila everly emilia elena naomi valentina "
    "maya sadie quinn piper josephine eleanor lillian allison amelia harper mila "
    "kinsley brianna kylie morgan jasmine alexa gianna eva taylor kaylee ariana "
    "bailey mackenzie mariah makayla alyssa madeline payton peyton jenna alexandra "
    "kendall mckenzie makenzie jocelyn ashlyn gabriela adriana valeria cassandra "
    "angelina jazmin mya esmeralda alejandra monica veronica yesenia araceli rosa "
    "leticia lucia ana marisol yolanda sonia silvia norma irma carmen alicia blanca "
    "elsa claudia karina liliana yvonne yvette marisa marissa vivian wendy tina sherry "
    "sheila sally kim kristen kristin krista kristina katie kate kathy cathy carla "
    "carrie connie constance deanna debbie dolores edith edna eileen elaine ellen erin "
    "esther ethel gail geraldine gina gladys glenda gwendolyn heidi ida irene "
    "jeanette jeanne jenny jill joann joanne juanita justine kara katrina kristy lena "
    "leona lillie lindsay lindsey lois loretta lorraine louise lucille lydia mabel "
    "marcia margie marian marjorie marlene marsha mattie maureen maxine melanie "
    "melinda mildred miriam molly nellie nina olga pam pauline peggy phyllis priscilla "
    "rachael regina renee rhonda rita roberta rosemary sabrina shelly sherri stacey "
    "stacy suzanne sylvia tanya tara terri thelma toni tonya valerie vera verna vicki "
    "vickie viola wanda wilma bonnie agnes alma annette arlene becky beth billie "
    "bridget candace carole charlene colleen darlene della dianne dora eleanor ella "
    "emily faye felicia gertrude hattie janie jody josefina june leslie lorena lucy "
    "lynda lynette mae marion marta minnie myrtle natasha pat patsy rebekah robyn "
    "rochelle rosie roxanne ruthie shawna sonya stella sue susie tamara tanisha "
    "tricia trisha ursula velma whitney yvonne alisha alissa allie amber angie anita "
    "april ashlee audra autumn bethany brandi brandy brenna bria brittney callie "
    "camille candice cara carly carmen casey cecilia celeste chelsea cheyenne cindy "
    "clara corinne courtney crystal daisy dana daphne darla dawn deana deidre desiree "
    "destiny dominique eliza elisa elise ellen eloise erika esperanza estelle "
    "eugenia evangeline faith fatima felicity fiona francesca genevieve georgia "
    "giselle grace gracie greta gretchen hallie harmony hazel heather hillary holly "
    "hope imani ingrid iris isabel isabelle ivy jackie jade jana janelle janette "
    "janine jeannie jenifer jillian joanna jolene jordan josie joy juliana julianne "
    "juliet julissa kaitlin kari karla kasey katharine kathrine katy kayleigh kelli "
    "kellie kelsey kendra kenya kerri khloe kiara kirsten krystal kyla lacey laurie "
    "leanne leila lesley lila lilly lily lina lisette liz lizbeth lola lorna lorrie "
    "luisa luz lyla macy madelyn madison maggie makena malia mallory mandy mara "
    "marcela margarita maribel marina maritza marla martina meagan meghan mercedes "
    "meredith micaela michaela mindy miranda misty nadia nichole nikki noelle noemi "
    "olive paige pamela paola patty penny perla phoebe rebeca reyna rosalie rosalinda "
    "rosario roxana ruby samara sandy savannah selena serena shana shauna shayla "
    "sierra simone skye sofia stacie summer susana sydney tabitha talia tatiana "
    "tessa tiana tori tracey tracie trina valentina vanesa veronika victoria violet "
    "virginia willow xiomara yadira yasmin yazmin zoey "
    // Women, 2000s-2010s.
    "abby adalyn adeline aliyah alondra amaya amani ariel arianna aubree aubrey "
    "aurora autumn brielle brynn cadence charlotte daniela delilah eden elaina "
    "eliana elise ember emery esme evie gemma hadley harlow haven iliana isla "
    "itzel jayla jaylah jimena journee juniper kaia kali kamila karen kaylani keira "
    "kennedy kenzie kimora laila leilani lia liana luciana luna lyric madilyn "
    "magnolia malaya margot mariana marley maryam mckenna melody mikayla miley "
    "nayeli nevaeh nova oaklynn paisley paislee presley raelynn reagan remi "
    "rosalyn ryleigh sage saylor serenity sloane sophie stevie sutton teagan "
    "trinity vera vivienne wren ximena yaretzi zara zuri "
    // Common nicknames.
    "steve chris nate zach jen jess ted ray vince vinny manny gabe abe stef steph meg "
    "lexi vicky trish becca tess cassie jojo lupe chuy paco beto lalo pepe "
    // More names frequent in the SSA lists of the 1970s-2000s.
    "aaliyah keisha latoya latisha tasha deshawn demetrius jalen malik marquis rashad "
    "devon devante jada janae aniyah nia "
    // Hispanic given names common in California.
    "jesus guadalupe juana josefina veronica araceli beatriz consuelo rocio graciela "
    "socorro estela lourdes marcela maribel raquel ximena fernanda agustin efrain "
    "fidel gonzalo humberto leonardo mauricio octavio reynaldo rigoberto valentin "
    "alejandro santiago sebastian isidro jacinto eusebio heriberto refugio rosalba "
    "yolanda ofelia elvira eva amparo concepcion trinidad ignacio faustino "
    // Asian-American given names common in California.
    "priya anjali deepa neha pooja divya rahul amit vijay sanjay ravi arjun rohan "
    "kavya aisha wei ming mei hiro kenji yuki akira minh linh anh tuan thanh hyun "
    "jae eun hana yuna kenta sakura aarav ananya ishaan vivek nisha sunil "
    "anil raj arun deepak kiran meera lakshmi sanjana";

/// Given names that are also everyday words, months, places or brands.
constexpr std::string_view word_like_text =
    // Words.
    "will bill mark frank rich art chase grant hunter miles max guy jack nick drew "
    "pat sue rob don gene wade clay dale glen cliff forrest reed cash king legend "
    "rocky rusty sandy dusty sonny sunny sterling earnest noel angel christian "
    "hope faith grace joy destiny trinity serenity genesis harmony haven heaven "
    "liberty justice precious journey royal star sky skye river ocean rain stormy "
    "sage reign paisley penny pearl ruby amber crystal jade ivy holly daisy violet "
    "hazel rose lily iris willow olive misty candy ginger melody lyric lane brook "
    "eve kay bentley harley mercedes maverick major rex lance gay jesus luz dawn "
    "autumn wren ember eden chance walker sincere roger ira domingo trinidad brandy "
    "pierce mae ebony magnolia juniper summer "
    // Months and their short forms.
    "april may june august jan jun "
    // Places (cities, states, countries; Colton is an Inland Empire city).
    "austin dallas jordan orlando lincoln madison charlotte florence savannah sierra "
    "phoenix denver aurora virginia georgia carolina dakota montana paris london "
    "brooklyn chandler carson tyler colton sydney cheyenne camden victoria marion "
    "israel guadalupe santiago kingston jackson hudson clinton franklin kennedy "
    "trenton chester warren preston easton weston sherman milton dolores rosario "
    "soledad santos kenya";

using name_set = std::unordered_set<std::string_view>;

/// The names of a list (3+ letters); looked up on every word of a lead's
/// text and of a shared hit's answer, hence a hash set.
name_set split(std::string_view all) {
  name_set out;
  std::size_t i = 0;
  while (i < all.size()) {
    const auto end = std::min(all.find(' ', i), all.size());
    if (end - i >= 3) {
      out.insert(all.substr(i, end - i));
    }
    i = end + 1;
  }
  return out;
}

const name_set& word_like() {
  static const auto set = split(word_like_text);
  return set;
}

/// Every name, word-like ones included.
const name_set& all_names() {
  static const auto set = [] {
    auto names = split(names_text);
    const auto& words = word_like();
    names.insert(words.begin(), words.end());
    return names;
  }();
  return set;
}

/// Names are 3 to 15 letters: anything else is not looked up.
bool plausible(std::string_view lower) { return lower.size() >= 3 && lower.size() <= 15; }

}  // namespace

bool is_given_name(std::string_view lower) {
  return plausible(lower) && all_names().contains(lower);
}

bool is_word_like_name(std::string_view lower) {
  return plausible(lower) && word_like().contains(lower);
}

std::size_t given_name_count() { return all_names().size(); }

}  // namespace openhouse::cache
