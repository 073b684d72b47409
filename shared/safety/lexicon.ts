// The word and phrase lists behind the local screen, graded by severity (0..7), and the safe idioms that
// overrule them ("killer deal", "to die for"). Compiled once at module load into a token trie.
import type { SafetyCategory } from "./screen";

/**
 * One list of terms sharing a category, rule and severity. A term is a phrase of space-separated tokens in
 * the normalised alphabet (lowercase a-z, digits); a token may be `a|b|c` (alternatives), end in `?`
 * (optional) or name a slot `<groups>` (expanded from `SLOTS`). Compiled into every concrete phrase.
 */
export interface LexiconList {
  category: SafetyCategory;
  /** Names the rule in reasons, e.g. "profanity.strong". */
  rule: string;
  severity: number;
  terms: readonly string[];
}

// Protected groups, as plural nouns and as singular nouns, for the hateful-phrase templates. The words alone
// are innocent and never flagged ("whites and blacks sliders" is a photo-editing instruction).
const SLOTS: Readonly<Record<string, readonly string[]>> = {
  groups: [
    "jews", "muslims", "moslems", "blacks", "whites", "mexicans", "immigrants", "migrants", "refugees", "gays",
    "lesbians", "homosexuals", "queers", "trans", "transgenders", "trannies", "women", "females", "asians",
    "chinese", "arabs", "christians", "catholics", "hindus", "sikhs", "africans", "latinos", "hispanics", "indians",
    "gypsies", "roma", "jewish people", "black people", "white people", "gay people", "trans people",
    "brown people", "disabled people", "foreigners", "niggers", "niggas", "faggots", "fags", "spics", "kikes",
    "chinks", "wetbacks", "retards",
  ],
  // Singular, after "dirty" or "stupid"; not the colour and style words ("dirty black jeans").
  group: [
    "jew", "muslim", "mexican", "immigrant", "arab", "lesbian", "homo", "tranny", "paki", "chink", "spic", "kike",
    "nigger", "nigga", "faggot", "fag", "dyke", "retard", "wetback", "gypsy", "beaner",
  ],
  // A call to, or a wish for, violence against a group. Not "shoot" or "burn": a photo shop shoots women's
  // collections and burns the whites.
  harm: ["kill", "gas", "exterminate", "eradicate", "murder", "hang", "lynch", "slaughter", "nuke", "genocide", "wipe out"],
  // Dehumanising predicates ("X are vermin").
  vermin: [
    "animals", "vermin", "subhuman", "sub human", "savages", "parasites", "rats", "cockroaches", "roaches", "apes",
    "monkeys", "scum", "filth", "filthy", "a disease", "a plague", "a cancer", "inferior", "less than human",
    "not human", "pigs", "dogs", "trash", "garbage",
  ],
  you: ["you", "u", "ya", "yu", "youse", "yall", "you all"],
  // Violence directed at someone. Verbs with everyday uses in the shop's copy ("shoot them in daylight",
  // "hang them on your wall", "cut you a deal") are not here; "shoot you" has its own, narrower line.
  threat: ["kill", "murder", "stab", "strangle", "rape", "behead", "butcher", "lynch", "torture", "smother"],
  person: ["you", "u", "ya", "him", "her", "them", "yall", "you all", "your family", "your kids", "your wife", "your mom", "your mother"],
};

/** The lists, strongest first within each category. Severity guide in `screen.ts` (BLOCK_SEVERITY is 4). */
export const LEXICON: readonly LexiconList[] = [
  // ---- hate: slurs and hateful phrases -------------------------------------------------------------------
  {
    category: "hate",
    rule: "hate.slur",
    severity: 7,
    terms: [
      "nigger", "niggers", "niggerz", "nigguh", "niggah", "sandnigger", "sand nigger", "kike", "kikes", "faggot",
      "faggots", "faggit", "fagget", "fagot", "jigaboo", "jigaboos", "porch monkey", "porch monkeys", "jungle bunny",
      "jungle bunnies", "pickaninny", "spear chucker", "spear chuckers", "heil hitler", "sieg heil", "gas the <groups>",
      "death to <groups>", "death to all <groups>",
    ],
  },
  {
    category: "hate",
    rule: "hate.violent_call",
    severity: 7,
    terms: [
      "<harm> all|the|all the? <groups>", "<groups> should|must|will all? be|get killed|gassed|shot|hanged|lynched|burned|exterminated|nuked",
      "<groups> should|must all? die",
    ],
  },
  {
    category: "hate",
    rule: "hate.slur",
    severity: 6,
    terms: [
      "nigga", "niggas", "niggaz", "nigg", "nicca", "niccas", "nig", "nigs", "nigglet", "nigglets", "nigra", "niggress",
      "fag", "fags", "faggy", "fagz", "spic", "spics", "spick", "wetback",
      "wetbacks", "beaner", "beaners", "chink", "chinks", "gook", "gooks", "zipperhead", "raghead", "ragheads",
      "towelhead", "towelheads", "camel jockey", "paki", "pakis", "coon", "coons", "darkie", "darkies", "tranny",
      "trannies", "shemale", "shemales", "retard", "retards", "retarded", "fuckin retard", "slant eye", "slanteyed",
      "slant eyed", "white trash", "race traitor", "untermensch", "jewed", "jew down", "jew them down", "uncle tom", "porch monkies", "dirty <group>",
      "filthy <group>", "stupid <group>", "fucking|fuckin|fuckn <group>", "white power", "master race",
    ],
  },
  {
    category: "hate",
    rule: "hate.dehumanizing",
    severity: 6,
    terms: ["<groups> are|r|is all? just? <vermin>", "all <groups> are|r <vermin>", "<groups> aint|arent human"],
  },
  {
    category: "hate",
    rule: "hate.slur",
    severity: 5,
    terms: [
      "dyke", "dykes", "lesbo", "lesbos", "yid", "yids", "hymie", "wop", "wops", "dago", "dagos", "polack", "polacks",
      "redskin", "redskins", "squaw", "injun", "injuns", "halfbreed", "half breed", "negroes", "mongoloid",
      "mongoloids", "tard", "tards", "libtard", "libtards", "honky", "honkie", "honkies", "whitey", "cracker ass",
      "ass cracker", "wigga", "wiggas", "wigger", "whigger", "anchor baby", "anchor babies", "border jumper",
      "border jumpers", "colored folk|folks|guy|guys|boy|girl", "you|u queer|queers", "youre|ur|such|hes|shes a queer",
      "queer bait", "queer boy", "kkk", "white pride",
      "ethnic cleansing", "go back to your|ur country", "go back to africa|mexico", "i hate all|the|all the? <groups>",
      "hate all <groups>",
    ],
  },
  {
    category: "hate",
    rule: "hate.slur",
    severity: 4,
    terms: ["homo", "homos", "negro", "spaz", "spazz", "midget", "midgets", "ladyboy", "jap", "japs", "gypped", "subhuman", "sub human"],
  },
  {
    category: "hate",
    rule: "hate.mention",
    severity: 3,
    terms: ["nazi", "nazis", "neo nazi", "supremacist", "supremacists", "kraut", "krauts", "cripple", "cripples", "spastic", "so gay", "thats gay", "no homo", "ghetto"],
  },
  { category: "hate", rule: "hate.mention", severity: 2, terms: ["queer", "poof", "gypsy", "redneck", "rednecks", "hillbilly"] },

  // ---- self-harm --------------------------------------------------------------------------------------------
  {
    category: "self_harm",
    rule: "self_harm.encouragement",
    severity: 7,
    terms: [
      "kill yourself", "kill yourselves", "kill urself", "kill urselves", "kill ur self", "kill your self", "kill yo self",
      "kill yoself", "kill yaself", "kill yaselves", "killyourself",
      "kys", "go kill yourself", "end your life", "end ur life", "take your own life", "hang yourself",
      "hang urself", "neck yourself", "slit your wrists", "slit ur wrists", "unalive yourself", "drink bleach",
      "you should die", "u should die", "go die", "hope you die", "hope u die", "die in a fire",
    ],
  },
  {
    category: "self_harm",
    rule: "self_harm.ideation",
    severity: 6,
    terms: [
      "kill myself", "killing myself", "end my life", "ending my life", "want to die", "wanna die", "commit suicide",
      "committing suicide", "cut myself", "cutting myself", "cut yourself", "starve yourself", "harm yourself",
    ],
  },
  { category: "self_harm", rule: "self_harm.ideation", severity: 5, terms: ["pro ana", "proana", "thinspiration", "thinspo"] },
  { category: "self_harm", rule: "self_harm.ideation", severity: 4, terms: ["end it all"] },
  // "Shoot yourself" is also how a photo course says self-portrait; "don't hurt yourself" is banter.
  {
    category: "self_harm",
    rule: "self_harm.mention",
    severity: 3,
    terms: ["suicide", "suicidal", "self harm", "selfharm", "self harming", "anorexic", "bulimic", "shoot yourself", "hurt yourself"],
  },

  // ---- violence ---------------------------------------------------------------------------------------------
  {
    category: "violence",
    rule: "violence.threat",
    severity: 7,
    terms: ["shoot up the|your|this? school|mosque|church|synagogue", "blow your|ur brains out", "slit your|ur throat", "put a bullet in your|ur|his|her? head?"],
  },
  {
    category: "violence",
    rule: "violence.threat",
    severity: 6,
    terms: [
      "<threat> <person>", "shoot|choke you|u|ya|yall", "burn your|ur house down?", "should be shot|killed|hanged|lynched",
      "deserve to die", "deserves to die", "you|u|ur|youre are? dead meat", "i will find you", "ill find you",
      "i know where you live", "beat you|u|ya to death", "beat the shit out of you|u", "bomb threat",
    ],
  },
  {
    category: "violence",
    rule: "violence.threat",
    severity: 5,
    terms: ["beat you|u|ya up", "punch you|u in the? face?", "break your|ur legs|neck|face", "smash your|ur face", "youre|ur dead"],
  },
  {
    category: "violence",
    rule: "violence.graphic",
    severity: 4,
    terms: [
      "behead", "beheaded", "beheading", "decapitate", "decapitated", "dismember", "dismembered", "mutilate", "mutilated",
      "lynching", "lynched", "gassed", "genocide", "mass shooting", "school shooting",
    ],
  },
  {
    category: "violence",
    rule: "violence.graphic",
    severity: 3,
    terms: ["murder", "murdered", "murderer", "murdering", "massacre", "slaughter", "slaughtered", "torture", "tortured", "stabbed", "stabbing", "bloodbath", "drop dead", "slap you|u", "terrorist", "terrorists", "terrorism", "watch your back"],
  },
  {
    category: "violence",
    rule: "violence.mention",
    severity: 2,
    terms: ["kill", "kills", "killed", "killing", "stab", "lynch", "hanged", "strangle", "strangled", "choke", "shot dead", "gunshot", "gunned down", "bomb", "bombs", "bombing", "explosives", "weapon", "weapons"],
  },
  { category: "violence", rule: "violence.mention", severity: 1, terms: ["die", "dies", "dead", "death", "blood", "gun", "guns", "fight", "punch", "assault"] },

  // ---- sexual -----------------------------------------------------------------------------------------------
  {
    category: "sexual",
    rule: "sexual.exploitation",
    severity: 7,
    terms: ["child porn", "child pornography", "kiddie porn", "cp porn", "jailbait", "underage sex", "preteen sex", "lolicon", "shotacon"],
  },
  {
    category: "sexual",
    rule: "sexual.violence",
    severity: 6,
    terms: ["rape", "rapes", "raped", "raping", "rapist", "rapists", "molest", "molested", "molester", "molesting", "pedophile", "pedophiles", "paedophile", "pedo", "pedos", "bestiality", "zoophilia", "upskirt", "get raped", "gang rape"],
  },
  {
    category: "sexual",
    rule: "sexual.explicit",
    severity: 6,
    terms: [
      "blowjob", "blowjobs", "blow job", "blow jobs", "handjob", "handjobs", "hand job", "rimjob", "rim job", "dick pic", "dick pics",
      "cumshot", "cumshots", "cum shot", "deepthroat", "deep throat", "gangbang", "gang bang", "creampie",
      "bukkake", "cocksucker", "cocksuckers", "cock sucker", "suck my dick|cock", "eat my pussy", "sit on my face",
      "titty fuck", "pussy eating",
    ],
  },
  {
    category: "sexual",
    rule: "sexual.explicit",
    severity: 5,
    terms: [
      "porn", "porno", "pornos", "pornhub", "xvideos", "xhamster", "redtube", "youporn", "hentai", "milf", "milfs",
      "dildo", "dildos", "cum", "cums", "jizz", "jizzed", "anal", "masturbate", "masturbating", "masturbation",
      "jerk off", "jerking off", "jack off", "jacking off", "whack off", "whacking off", "suck dick", "suck a dick", "pussy", "pussies", "pussys", "clit", "clits", "titties",
      "titty", "tittys", "incest", "send nudes", "sex tape", "fuck buddy", "booty call", "bust a nut", "wet pussy",
    ],
  },
  {
    category: "sexual",
    rule: "sexual.explicit",
    severity: 4,
    terms: [
      "cock", "cocks", "boobs", "boobies", "tits", "horny", "boner", "boners", "orgasm", "orgasms", "erotic", "erotica",
      "bdsm", "nudes", "fap", "fapping", "camgirl", "camgirls", "wank", "wanking", "thot", "thots", "orgy", "orgies",
      "threesome", "threesomes",
    ],
  },
  // Clinical words, and "xxx", which is also a template placeholder ("use code XXX"): shown, not blocked alone.
  {
    category: "sexual",
    rule: "sexual.suggestive",
    severity: 3,
    terms: [
      "stripper", "strippers", "prostitute", "prostitutes", "hooker", "hookers", "fetish", "kinky", "bondage",
      "vibrator", "vibrators", "onlyfans", "clitoris", "nipple", "nipples", "genitals", "penis", "penises", "vagina",
      "vaginas", "semen", "sperm", "have sex", "having sex", "xxx", "nsfw", "sext", "sexting", "smut",
    ],
  },
  { category: "sexual", rule: "sexual.suggestive", severity: 2, terms: ["sex", "nude", "naked", "topless", "escort", "escorts", "erection", "sexual", "make love"] },
  { category: "sexual", rule: "sexual.suggestive", severity: 1, terms: ["sexy", "sexier", "sexiest", "sensual", "flirty", "flirt", "hot girls", "booty", "seductive", "steamy", "lingerie"] },

  // ---- profanity --------------------------------------------------------------------------------------------
  {
    category: "profanity",
    rule: "profanity.strong",
    severity: 6,
    terms: ["cunt", "cunts", "cunty", "motherfucker", "motherfuckers", "motherfucking", "mothafucka", "mothafuckas", "muthafucka", "fucktard"],
  },
  {
    category: "profanity",
    rule: "profanity.strong",
    severity: 5,
    terms: [
      // "fuck" and anything built on it is caught by the stem rule in screen.ts; these are the spellings that hide it.
      "fuk", "fuks", "fukk", "fukking", "fuking", "fuked", "fuker", "fck", "fcking", "fckin", "fcked", "fcker", "fkn",
      "fking", "fkin", "fuc", "fucc", "fuq", "fuqing", "phuck", "phuk", "phucking", "fvck", "fvcking", "stfu",
      "gtfo", "bitch", "bitches", "bitchs", "bitchez", "biatch", "biotch", "bytch", "bytches", "bxtch", "bxtches", "bitchass", "bitch ass",
      "son of a bitch", "sonofabitch", "asshole", "assholes", "arsehole", "arseholes", "ashole", "assh0le",
      "dickhead", "dickheads", "shithead", "shitheads", "twat", "twats", "whore", "whores", "slut", "sluts", "slutty",
      "piece of shit", "skank", "skanks",
    ],
  },
  {
    category: "profanity",
    rule: "profanity.strong",
    severity: 4,
    terms: [
      "shit", "shits", "shitty", "shitting", "shitted", "shite", "bullshit", "horseshit", "dipshit", "dipshits",
      "shitshow", "shitload", "holy shit", "sh1t", "shyt", "bastard", "bastards", "jackass", "jackasses", "dumbass",
      "dumbasses", "dumb ass", "fatass", "fat ass", "lazy ass", "stupid ass", "ugly ass", "asshat", "asswipe",
      "kiss my ass", "up your ass", "wanker", "wankers", "prick", "pricks", "douchebag", "douchebags", "hoe", "hoes",
      "hoez", "ho", "hos", "ho ass", "hoebag", "bitchy", "bitching", "bitched", "suck my", "screw you", "piss off", "pissed off",
      "cockhead", "scumbag", "scumbags", "ballsack", "nutsack", "dick pic",
    ],
  },
  {
    category: "profanity",
    rule: "profanity.moderate",
    severity: 3,
    terms: ["ass", "asses", "arse", "piss", "pissed", "pissing", "dick", "dicks", "douche", "bollocks", "bugger", "wtf", "omfg", "ffs", "effing", "smartass", "you idiot", "you moron", "u idiot", "you stupid", "you suck", "u suck", "shut the hell up"],
  },
  {
    category: "profanity",
    rule: "profanity.mild",
    severity: 2,
    terms: ["crap", "crappy", "goddamn", "goddamned", "goddam", "badass", "kickass", "kick ass", "lmfao", "idiot", "idiots", "moron", "morons", "shut up", "sucks"],
  },
  {
    category: "profanity",
    rule: "profanity.mild",
    severity: 1,
    terms: ["damn", "damned", "dammit", "damnit", "hell", "bloody", "freaking", "frickin", "frigging", "friggin", "butt", "stupid", "dumb", "loser", "ugly"],
  },
];

/**
 * Idioms of marketing and everyday speech that contain a listed word but mean no harm. Every match that lies
 * wholly inside one of these is dropped; a threat that merely touches one ("kill you to die for") still counts.
 */
export const SAFE_IDIOMS: readonly string[] = [
  // violence-sounding marketing
  "killer deal|deals|price|prices|look|looks|feature|features|app|combo|bundle", "killing it", "kill it", "kills it",
  "dressed to kill", "kill two birds with one stone", "kill them|you|em with kindness", "to die for", "die for",
  "die hard", "diehard fan|fans", "drop dead gorgeous", "shoot you|u a|an email|message|note|line|text|dm|quick",
  "shoot me an|a email|message|note|line|text|dm", "shoot yourself in the foot",
  "cut yourself some|a slack|slice|piece|break", "bloody mary", "blood orange", "bath bomb", "bath bombs",
  "photo bomb", "the bomb", "da bomb", "sex appeal", "fight club", "pillow fight", "fight for", "fight back",
  "punch line", "punch card", "die cut", "die cuts", "dead simple", "dead easy", "dead end", "dead sea",
  "blow you|u|me away", "kick ass results", "death star", "secret weapon", "glue gun", "heat gun", "sperm whale",
  // sexual-sounding, innocent
  "nude palette|palettes|tones|tone|shades|shade|color|colors|colour|colours|lipstick|heels|pink",
  "naked eye", "naked palette", "cum laude", "magna cum laude", "summa cum laude", "pussy cat", "pussy willow",
  "blue tit", "great tit", "tit for tat", "cock a doodle doo", "sex education", "same sex", "sex ed",
  "anal retentive",
  // hate-sounding, innocent
  "chink|chinks in the|their|his|her|its|your|our armor|armour", "chink of light", "auto|manual tranny", "spick|spic and span", "maine coon", "maine coons",
  "coon hound", "coon hounds", "homo sapiens", "homo erectus", "van dyke", "dick van dyke", "moby dick",
  "philip k dick", "grammar nazi",
  // profanity-sounding, innocent
  "ho ho", "ho ho ho", "gung ho", "land ho", "westward ho", "ho chi minh", "ghetto blaster", "warsaw ghetto", "hell yes", "hell yeah", "hell of a", "what the hell", "hell week", "ass kicking workout", "finger prick",
  "oilseed rape", "rape seed", "rapeseed oil", "shut up and take my money", "dumb phone", "dumb phones",
];

/** A match the lexicon can make: a category/severity pair, or a safe idiom (`safe`, no category). */
export interface LexiconEntry {
  category: SafetyCategory | null;
  severity: number;
  rule: string;
  /** The phrase as matched, in normalised form, for reasons. */
  term: string;
  safe: boolean;
}

/** A node of the token trie: the entries of the phrase ending here, and the tokens that may follow. */
export interface TrieNode {
  entries: LexiconEntry[] | null;
  next: Map<string, TrieNode> | null;
}

/** Every concrete phrase a template stands for, as token arrays. */
export function expandTemplate(template: string): string[][] {
  let phrases: string[][] = [[]];
  for (const part of template.split(" ")) {
    const optional = part.endsWith("?");
    const choices = (optional ? part.slice(0, -1) : part).split("|").flatMap((choice) => {
      const slot = /^<(\w+)>$/.exec(choice);
      if (!slot) return [[choice]];
      const values = SLOTS[slot[1]!];
      if (!values) throw new Error(`lexicon: unknown slot ${choice} in "${template}"`);
      return values.map((v) => v.split(" "));
    });
    if (optional) choices.push([]);
    const grown: string[][] = [];
    for (const phrase of phrases) for (const choice of choices) grown.push([...phrase, ...choice]);
    phrases = grown;
    if (phrases.length > 50_000) throw new Error(`lexicon: "${template}" expands to too many phrases`);
  }
  return phrases.filter((p) => p.length > 0);
}

/** The compiled lexicon: a trie over tokens, plus the indexes the disguise handling needs. */
export interface CompiledLexicon {
  root: Map<string, TrieNode>;
  /** Every token that occurs in some phrase: a token outside it cannot start or continue a match. */
  vocabulary: ReadonlySet<string>;
  /** Letter-squeezed form -> vocabulary word, for stretched tokens ("fuuuuck", "biiiitch"). */
  squeezed: ReadonlyMap<string, string>;
  /** Single-token entries that block on their own (severity ≥ `blockAt`), for masks and split words. */
  strongWords: ReadonlyMap<string, LexiconEntry[]>;
}

export function compileLexicon(lists: readonly LexiconList[], idioms: readonly string[], blockAt: number, squeezeFn: (w: string) => string): CompiledLexicon {
  const root = new Map<string, TrieNode>();
  const vocabulary = new Set<string>();
  const strongWords = new Map<string, LexiconEntry[]>();
  const insert = (tokens: string[], entry: LexiconEntry) => {
    let level = root;
    let node: TrieNode | undefined;
    for (const [i, token] of tokens.entries()) {
      if (!/^[a-z0-9]+$/.test(token)) throw new Error(`lexicon: "${tokens.join(" ")}" has a token outside the normalised alphabet`);
      vocabulary.add(token);
      node = level.get(token);
      if (!node) {
        node = { entries: null, next: null };
        level.set(token, node);
      }
      if (i < tokens.length - 1) level = node.next ??= new Map();
    }
    if (!node) return;
    const entries = (node.entries ??= []);
    // One entry per category and safety at a node: the strongest list wins when templates overlap.
    const same = entries.find((e) => e.category === entry.category && e.safe === entry.safe);
    if (same) {
      if (entry.severity > same.severity) Object.assign(same, entry);
    } else entries.push(entry);
  };
  for (const list of lists) {
    for (const template of list.terms) {
      for (const tokens of expandTemplate(template)) {
        const entry: LexiconEntry = { category: list.category, severity: list.severity, rule: list.rule, term: tokens.join(" "), safe: false };
        insert(tokens, entry);
        if (tokens.length === 1 && list.severity >= blockAt) {
          const word = tokens[0]!;
          const known = strongWords.get(word) ?? [];
          known.push(entry);
          strongWords.set(word, known);
        }
      }
    }
  }
  for (const template of idioms) {
    for (const tokens of expandTemplate(template)) insert(tokens, { category: null, severity: 0, rule: "idiom", term: tokens.join(" "), safe: true });
  }
  // For each squeezed form prefer the word that itself has a doubled letter: a stretched token had one.
  const squeezed = new Map<string, string>();
  for (const word of vocabulary) {
    const key = squeezeFn(word);
    const held = squeezed.get(key);
    if (held === undefined || (held === key && word !== key)) squeezed.set(key, word);
  }
  return { root, vocabulary, squeezed, strongWords };
}
