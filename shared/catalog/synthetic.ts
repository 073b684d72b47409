// A large, seeded synthetic catalog for tests and benchmarks: same schema and vocabulary as the demo,
// with storefront-like distributions (Zipf popularity, ~20-item clusters, ~5% sold out, ~3% region-locked).
import type { Item } from "./item";
import { DEMO_ANCHOR_DATE, type Persona, type ProductCategory, type SeasonalTag, seasonalTags } from "./demo";
import { createRng, type Rng } from "./prng";

type SkillLevel = Item["skill_level"];
type Device = Item["devices"][number];
type Section = ProductCategory | "content";

/** A family of items (e.g. "photo-presets") that synthetic clusters are stamped from. */
interface Theme {
  stem: string;
  section: Section;
  topics: readonly string[];
  personas: readonly Persona[];
  /** Product noun used in titles: "Presets", "Pen Display", "Guide". */
  nouns: readonly string[];
  /** Share of the theme's items that ship physically (and so carry inventory). */
  physicalShare: number;
  /** Share of items that are desktop-only (heavy software). */
  desktopShare?: number;
  /** Starter clusters: every item is a beginner, "starter"-tagged bundle. */
  starter?: boolean;
}

const themes: readonly Theme[] = [
  { stem: "photo-presets", section: "photo", topics: ["lightroom", "presets", "photo-editing"], personas: ["photo_first"], nouns: ["Presets", "Preset Pack"], physicalShare: 0 },
  { stem: "photo-luts", section: "photo", topics: ["luts", "color-grading", "video"], personas: ["photo_first"], nouns: ["LUTs", "LUT Pack"], physicalShare: 0 },
  { stem: "photo-stock", section: "photo", topics: ["stock-photos", "landscape", "lifestyle"], personas: ["photo_first"], nouns: ["Photo Pack", "Stock Collection"], physicalShare: 0 },
  { stem: "photo-overlays", section: "photo", topics: ["overlays", "textures", "photoshop"], personas: ["photo_first"], nouns: ["Overlays", "Textures"], physicalShare: 0 },
  { stem: "photo-mockups", section: "photo", topics: ["mockups", "branding"], personas: ["photo_first", "vector_first"], nouns: ["Mockups"], physicalShare: 0 },
  { stem: "vector-icons", section: "vector", topics: ["icons", "ui", "svg"], personas: ["vector_first"], nouns: ["Icon Set", "Icons"], physicalShare: 0 },
  { stem: "vector-illustration", section: "vector", topics: ["illustration", "vector-art"], personas: ["vector_first"], nouns: ["Illustration Kit", "Vector Pack"], physicalShare: 0 },
  { stem: "vector-fonts", section: "vector", topics: ["fonts", "typography"], personas: ["vector_first"], nouns: ["Font", "Font Family"], physicalShare: 0 },
  { stem: "vector-patterns", section: "vector", topics: ["patterns", "surface-design"], personas: ["vector_first"], nouns: ["Patterns"], physicalShare: 0 },
  { stem: "vector-ui-kits", section: "vector", topics: ["ui-kits", "web-design", "figma"], personas: ["vector_first"], nouns: ["UI Kit", "Templates"], physicalShare: 0 },
  { stem: "starter-bundles", section: "bundle", topics: ["bundles", "getting-started"], personas: ["novice_shopper"], nouns: ["Starter Bundle", "Starter Kit"], physicalShare: 0.15, starter: true },
  { stem: "pro-bundles", section: "bundle", topics: ["bundles"], personas: ["photo_first", "vector_first"], nouns: ["Bundle", "Toolkit"], physicalShare: 0.1 },
  { stem: "seasonal-bundles", section: "bundle", topics: ["bundles", "sale"], personas: ["photo_first", "vector_first"], nouns: ["Bundle"], physicalShare: 0 },
  { stem: "tablets", section: "pro_gear", topics: ["drawing-tablets", "hardware"], personas: ["vector_first"], nouns: ["Pen Tablet", "Pen Display"], physicalShare: 1 },
  { stem: "monitors", section: "pro_gear", topics: ["monitors", "color-management", "hardware"], personas: ["photo_first"], nouns: ["Monitor", "Display"], physicalShare: 1 },
  { stem: "colorimeters", section: "pro_gear", topics: ["calibration", "color-management", "hardware"], personas: ["photo_first"], nouns: ["Colorimeter", "Calibration Kit"], physicalShare: 1 },
  { stem: "studio-lights", section: "pro_gear", topics: ["lighting", "studio", "hardware"], personas: ["photo_first"], nouns: ["Light Kit", "LED Panel", "Monolight"], physicalShare: 1 },
  { stem: "pro-licenses", section: "pro_gear", topics: ["software", "licenses"], personas: ["photo_first", "vector_first"], nouns: ["Pro License", "Studio License"], physicalShare: 0, desktopShare: 0.6 },
  { stem: "courses-photo", section: "tutorial", topics: ["courses", "photo-editing"], personas: ["photo_first"], nouns: ["Course", "Masterclass"], physicalShare: 0 },
  { stem: "courses-vector", section: "tutorial", topics: ["courses", "vector-art"], personas: ["vector_first"], nouns: ["Course", "Bootcamp"], physicalShare: 0 },
  { stem: "courses-business", section: "tutorial", topics: ["courses", "marketing", "business"], personas: ["photo_first", "vector_first"], nouns: ["Course", "Playbook"], physicalShare: 0 },
  { stem: "guides-photo", section: "content", topics: ["photo-editing", "lightroom"], personas: ["photo_first"], nouns: ["Guide", "Tutorial"], physicalShare: 0 },
  { stem: "guides-vector", section: "content", topics: ["vector-art", "illustration"], personas: ["vector_first"], nouns: ["Guide", "Tutorial"], physicalShare: 0 },
  { stem: "guides-color", section: "content", topics: ["color-grading", "color-management"], personas: ["photo_first"], nouns: ["Guide", "Tutorial"], physicalShare: 0 },
  { stem: "guides-print", section: "content", topics: ["print-ready", "export"], personas: ["vector_first"], nouns: ["Guide", "Checklist"], physicalShare: 0 },
  { stem: "guides-marketing", section: "content", topics: ["marketing", "conversion"], personas: ["photo_first", "vector_first"], nouns: ["Guide", "Playbook"], physicalShare: 0 },
];

// How often each section gets a new cluster. pro_gear is over-weighted relative to the demo so that
// physical goods are common enough (~18% of items) for a ~5% sold-out share overall.
const sectionWeights: Readonly<Record<Section, number>> = {
  photo: 0.27,
  vector: 0.27,
  bundle: 0.08,
  pro_gear: 0.2,
  tutorial: 0.08,
  content: 0.1,
};

const themesBySection: Readonly<Record<Section, readonly Theme[]>> = {
  photo: themes.filter((t) => t.section === "photo"),
  vector: themes.filter((t) => t.section === "vector"),
  bundle: themes.filter((t) => t.section === "bundle"),
  pro_gear: themes.filter((t) => t.section === "pro_gear"),
  tutorial: themes.filter((t) => t.section === "tutorial"),
  content: themes.filter((t) => t.section === "content"),
};

const adjectives = ["Golden", "Moody", "Clean", "Vintage", "Urban", "Minimal", "Bold", "Soft", "Retro", "Cinematic", "Nordic", "Tropical", "Pastel", "Neon", "Organic", "Geometric", "Classic", "Modern", "Wild", "Coastal", "Airy", "Dark", "Warm", "Crisp"] as const;
const subjects = ["Forest", "Portrait", "Wedding", "City", "Food", "Travel", "Desert", "Ocean", "Studio", "Botanical", "Business", "Fitness", "Street", "Interior", "Product", "Fashion", "Mountain", "Night", "Kids", "Festival", "Architecture", "Music"] as const;
const gearBrands = ["Inkwell", "Canvas", "TrueTone", "SpectraCal", "StudioView", "Lumen", "Brightline", "Slate"] as const;
const regionSets: readonly (readonly string[])[] = [["US", "CA"], ["DE", "FR", "NL"], ["GB"], ["JP"], ["AU", "NZ"], ["DE", "AT", "CH"]];

/** Target average cluster size; sizes vary (roughly Poisson) around it. */
const CLUSTER_SIZE = 20;
/** Sold-out share among physical goods; with ~18% physical items this lands near 5% of the catalog. */
const SOLD_OUT_AMONG_PHYSICAL = 0.28;
const RESTRICTED_SHARE = 0.03;
const MAX_AGE_DAYS = 730;
const DAY_MS = 86_400_000;

interface SyntheticCluster {
  name: string;
  theme: Theme;
}

/**
 * `count` items with ids s000001.. (wider once count passes 999,999). Same seed, same catalog.
 * Built without zod so 10,000+ items take milliseconds; tests validate a sample or all with Item.parse.
 */
export function syntheticCatalog(count: number, seed = 42): Item[] {
  const total = Math.max(0, Math.floor(count));
  const rng = createRng(seed);
  const anchorMs = Date.parse(DEMO_ANCHOR_DATE);

  const clusterCount = Math.max(1, Math.round(total / CLUSTER_SIZE));
  const clusters: SyntheticCluster[] = [];
  for (let k = 0; k < clusterCount; k++) {
    const theme = rng.pick(themesBySection[pickSection(rng)]);
    clusters.push({ name: `${theme.stem}-${String(k + 1).padStart(4, "0")}`, theme });
  }

  const popularityRank = shuffledRanks(total, rng);
  const items: Item[] = new Array<Item>(total);
  for (let i = 0; i < total; i++) {
    const cluster = clusters[rng.int(0, clusterCount - 1)] as SyntheticCluster;
    items[i] = syntheticItem(i, cluster, popularityRank[i] ?? i, total, rng, anchorMs);
  }
  return items;
}

function syntheticItem(index: number, cluster: SyntheticCluster, rank: number, total: number, rng: Rng, anchorMs: number): Item {
  const { theme } = cluster;
  const id = `s${String(index + 1).padStart(6, "0")}`;
  const isContent = theme.section === "content";
  const level = theme.starter ? "beginner" : pickLevel(rng, theme.section);
  const physical = rng.chance(theme.physicalShare);
  // A few free lead magnets, which may only be shown with marketing consent.
  const leadMagnet = !isContent && !physical && theme.section !== "pro_gear" && rng.chance(0.01);
  const popularity = zipfPopularity(rank, total);
  const daysOld = rng.int(0, MAX_AGE_DAYS);
  const title = syntheticTitle(rng, theme);
  const slug = `${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${id}`;

  const tags: string[] = [];
  if (theme.starter || (level === "beginner" && theme.section === "tutorial" && rng.chance(0.5))) tags.push("starter");
  if (level === "pro" && (theme.section === "pro_gear" || (theme.section === "bundle" && rng.chance(0.5)))) tags.push("high_end");
  if (popularity >= 0.5) tags.push("best_seller");
  if (daysOld <= 30) tags.push("new");
  if (rng.chance(0.08)) tags.push("sustainable");
  if (physical && rng.chance(0.3)) tags.push("eco_packaging");
  if ((theme.stem === "monitors" || theme.stem === "tablets" || theme.stem === "photo-luts") && rng.chance(0.4)) tags.push("4k");
  if ((theme.section === "vector" || theme.section === "photo" || theme.stem === "guides-print") && rng.chance(0.15)) tags.push("print");

  const seasons: SeasonalTag[] = [];
  if (theme.stem === "seasonal-bundles" || rng.chance(0.12)) seasons.push(rng.pick(seasonalTags));

  const personas: Persona[] = [...theme.personas];
  if (level === "beginner" && !personas.includes("novice_shopper")) personas.push("novice_shopper");
  if (level === "pro") personas.push("shopper_pro");

  const policyFlags: string[] = [];
  if (leadMagnet) policyFlags.push("requires_marketing_consent");
  if ((theme.section === "photo" || theme.section === "content") && rng.chance(0.01)) policyFlags.push("age_restricted");

  const devices: Device[] = rng.chance(theme.desktopShare ?? 0.01) ? ["desktop"] : [];
  const jurisdictions = rng.chance(RESTRICTED_SHARE) ? [...rng.pick(regionSets)] : [];
  const price = isContent || leadMagnet ? 0 : syntheticPrice(rng, theme.section, level);

  return {
    id,
    kind: isContent ? "content" : "product",
    title,
    url: isContent ? `/guides/${slug}` : `/products/${slug}`,
    image: `/img/${slug}.jpg`,
    category: isContent ? (rng.chance(0.5) ? "guide" : "tutorial") : theme.section,
    cluster: cluster.name,
    topics: [...theme.topics],
    tags,
    skill_level: level,
    price,
    currency: "USD",
    margin: isContent ? 0 : round(physical ? rng.float(0.1, 0.3) : rng.float(0.5, 0.8), 2),
    inventory: physical ? (rng.chance(SOLD_OUT_AMONG_PHYSICAL) ? 0 : rng.int(1, 200)) : null,
    // Trend loosely follows popularity, with recent launches running hot.
    trend: round(Math.min(1, 0.4 * popularity + 0.45 * rng.next() ** 2 + (daysOld <= 30 ? 0.15 : 0)), 4),
    popularity,
    seasonal_tags: seasons,
    published_at: new Date(anchorMs - daysOld * DAY_MS - rng.int(0, 86_399) * 1000).toISOString().replace(".000Z", "Z"),
    jurisdictions,
    policy_flags: policyFlags,
    devices,
    personas,
    summary: `${title}: ${article(level)} ${level} ${theme.nouns[0]?.toLowerCase() ?? "item"} about ${theme.topics.join(", ")}.`,
    body: isContent ? `A walkthrough of ${theme.topics.join(" and ")} for ${level} creators.` : "",
  };
}

function pickSection(rng: Rng): Section {
  let roll = rng.next();
  for (const [section, weight] of Object.entries(sectionWeights) as [Section, number][]) {
    roll -= weight;
    if (roll < 0) return section;
  }
  return "photo";
}

function pickLevel(rng: Rng, section: Section): SkillLevel {
  const roll = rng.next();
  // Hardware is aimed at working professionals; everything else skews towards beginners.
  if (section === "pro_gear") return roll < 0.35 ? "intermediate" : "pro";
  return roll < 0.4 ? "beginner" : roll < 0.75 ? "intermediate" : "pro";
}

/** Log-uniform price inside the section's band, with storefront-style endings (19, 49, 1299). */
function syntheticPrice(rng: Rng, section: Section, level: SkillLevel): number {
  const [low, high] = priceBand(section, level);
  const raw = Math.exp(rng.float(Math.log(low), Math.log(high)));
  return raw >= 100 ? Math.max(low, Math.round(raw / 10) * 10 - 1) : Math.max(low, Math.round(raw));
}

function priceBand(section: Section, level: SkillLevel): readonly [number, number] {
  switch (section) {
    case "pro_gear":
      return level === "pro" ? [400, 3000] : [300, 900];
    case "bundle":
      return level === "beginner" ? [19, 79] : level === "intermediate" ? [49, 149] : [99, 399];
    case "tutorial":
      return level === "beginner" ? [15, 60] : level === "intermediate" ? [39, 129] : [79, 249];
    default:
      return level === "beginner" ? [5, 60] : level === "intermediate" ? [15, 120] : [29, 250];
  }
}

function syntheticTitle(rng: Rng, theme: Theme): string {
  const noun = rng.pick(theme.nouns);
  if (theme.section === "pro_gear" && theme.physicalShare > 0) return `${rng.pick(gearBrands)} ${rng.int(10, 34)} ${noun}`;
  return `${rng.pick(adjectives)} ${rng.pick(subjects)} ${noun}`;
}

/** A random permutation of 0..n-1: each item's sales rank. */
function shuffledRanks(n: number, rng: Rng): Int32Array {
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) ranks[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const swap = ranks[i] as number;
    ranks[i] = ranks[j] as number;
    ranks[j] = swap;
  }
  return ranks;
}

/**
 * Sales follow Zipf (the item at rank r sells ~1/(r+1) of the top seller); popularity is the log of that
 * scaled to 0..1, so the top seller is 1, the top 1% sit above ~0.5 and the long tail is near 0.1.
 */
function zipfPopularity(rank: number, total: number): number {
  if (total <= 1) return 1;
  return round(Math.log(1 + total / (rank + 1)) / Math.log(1 + total), 4);
}

function article(level: SkillLevel): "a" | "an" {
  return level === "intermediate" ? "an" : "a";
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
