// The demo storefront of a creative-tools shop: 200 products and 30 guides, identical on every call.
// Hand-curated so the ranking journeys (beginner bundles, high-end grid, photo-first, vector-first) have real material.
import type { Item } from "./item";
import { createRng, seedFromString, type Rng } from "./prng";

/** Every demo date is relative to this instant, so "new" and "trending" never drift with the wall clock. */
export const DEMO_ANCHOR_DATE = "2026-11-01T00:00:00Z";

// Vocabulary shared with the synthetic catalog, so tests on either exercise the same tags and personas.
export const productCategories = ["photo", "vector", "bundle", "pro_gear", "tutorial"] as const;
export type ProductCategory = (typeof productCategories)[number];
export const contentCategories = ["guide", "tutorial"] as const;
export type ContentCategory = (typeof contentCategories)[number];
export const personas = ["novice_shopper", "shopper_pro", "photo_first", "vector_first"] as const;
export type Persona = (typeof personas)[number];
export const seasonalTags = ["winter", "spring", "summer", "autumn", "black_friday", "holiday", "back_to_school"] as const;
export type SeasonalTag = (typeof seasonalTags)[number];
export const merchTags = ["starter", "high_end", "sustainable", "best_seller", "new", "eco_packaging", "4k", "print"] as const;
export type MerchTag = (typeof merchTags)[number];
export const policyFlags = ["age_restricted", "requires_marketing_consent"] as const;
export type PolicyFlag = (typeof policyFlags)[number];

type SkillLevel = Item["skill_level"];
type Device = Item["devices"][number];

const DEMO_SEED = 20_261_101;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** How far back the catalog reaches: about two years of launches. */
const MAX_AGE_DAYS = 730;
/** Items flagged as launches land inside this window, which the "new" tag and freshness boosts rely on. */
const NEW_WINDOW_DAYS = 13;

/** Per-product merchandising facts; numbers not given here (margin, trend, popularity, dates) come from the seeded PRNG. */
interface ProductSeed {
  level: SkillLevel;
  price: number;
  title: string;
  summary: string;
  tags?: MerchTag[];
  seasons?: SeasonalTag[];
  /** Launched inside the last two weeks. */
  isNew?: boolean;
  /** Explicit units on hand (0 = sold out); physical goods without it get a seeded stock level. */
  stock?: number;
  /** Overrides the cluster's physical/digital default (e.g. a bundle that ships a tablet). */
  physical?: boolean;
  jurisdictions?: string[];
  flags?: PolicyFlag[];
  devices?: Device[];
  personas?: Persona[];
  topics?: string[];
}

interface ProductCluster {
  cluster: string;
  category: ProductCategory;
  topics: string[];
  personas: Persona[];
  /** Physical goods carry an inventory count; digital goods are unlimited (null). */
  physical: boolean;
  tags?: MerchTag[];
  /** Popularity range for the whole cluster, e.g. the starter bundles the beginner journey leads with. */
  popularity?: readonly [number, number];
  products: ProductSeed[];
}

const B: SkillLevel = "beginner";
const I: SkillLevel = "intermediate";
const P: SkillLevel = "pro";

function p(level: SkillLevel, price: number, title: string, summary: string, extra: Partial<ProductSeed> = {}): ProductSeed {
  return { ...extra, level, price, title, summary };
}

// Order matters: ids p001..p200 are assigned in this order and other code (fixtures, docs) refers to them.
const productClusters: readonly ProductCluster[] = [
  {
    cluster: "photo-presets",
    category: "photo",
    topics: ["lightroom", "presets", "photo-editing"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(B, 0, "Free Preset Sampler", "Five free presets from our best-selling packs, delivered by email when you join the newsletter.", { flags: ["requires_marketing_consent"] }),
      p(B, 19, "Golden Hour Lightroom Presets", "Twelve warm, sun-kissed presets that flatter skin tones and outdoor portraits in one click.", { tags: ["best_seller"] }),
      p(I, 24, "Moody Forest Presets", "Deep greens and lifted shadows for woodland landscapes and hiking photography."),
      p(P, 59, "Clean Wedding Presets Collection", "Consistent, true-to-skin presets tuned for batch-editing full wedding galleries in Lightroom Classic.", { tags: ["best_seller"], topics: ["weddings"] }),
      p(I, 29, "Film Emulation Presets Vol. 1", "Grain, halation and faded blacks modelled on classic 35mm colour negative stocks.", { topics: ["film-look"] }),
      p(B, 9, "Bright & Airy Mobile Presets", "Light, pastel presets for Lightroom Mobile, made for lifestyle and food posts on the go.", { topics: ["mobile-photography"] }),
      p(I, 19, "Urban Night Presets", "Teal-and-orange city night looks that keep neon signs vivid without crushing shadows."),
      p(P, 39, "Black & White Fine Art Presets", "Twenty monochrome conversions with controlled channel mixing for gallery-grade prints.", { tags: ["print"] }),
      p(B, 15, "Food Photography Presets", "Appetising, true-colour presets for restaurant menus, recipe blogs and food creators."),
      p(B, 12, "Winter Wonderland Presets", "Cool, crisp presets that keep snow white and skies clean for winter and holiday shoots.", { seasons: ["winter", "holiday"] }),
      p(B, 12, "Autumn Tones Presets", "Rich amber and rust tones that make autumn foliage glow.", { seasons: ["autumn"] }),
      p(I, 34, "Real Estate Interior Presets", "Balanced, bright presets that correct mixed lighting in interior and property photography."),
      p(I, 29, "Newborn Soft Skin Presets", "Gentle, creamy presets for newborn and family sessions that tame redness.", { isNew: true }),
    ],
  },
  {
    cluster: "photo-luts",
    category: "photo",
    topics: ["luts", "color-grading", "video"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(I, 39, "Cinematic LUT Pack", "Thirty-five .cube LUTs for Premiere, Resolve and Final Cut, built for log and Rec.709 footage.", { tags: ["best_seller", "4k"] }),
      p(I, 29, "Teal & Orange Blockbuster LUTs", "The classic blockbuster look with skin-tone protection so faces never turn orange."),
      p(P, 49, "Log to Rec.709 Conversion LUTs", "Accurate technical conversion LUTs for Sony S-Log3, Canon C-Log3 and Panasonic V-Log.", { tags: ["4k"] }),
      p(B, 19, "Vintage Film LUTs", "Warm, faded looks that give phone and camera footage a nostalgic 16mm feel.", { topics: ["film-look"] }),
      p(B, 15, "Travel Vlog LUTs", "Punchy, saturated looks for travel vlogs and short-form video, tuned for drone and phone footage."),
      p(P, 45, "Moody Documentary LUTs", "Restrained, desaturated grades for interviews and documentary work with natural skin tones.", { tags: ["4k"] }),
      p(P, 55, "Wedding Film LUTs", "Soft, romantic grades for wedding films that match the Clean Wedding Presets.", { topics: ["weddings"] }),
      p(I, 25, "Music Video Neon LUTs", "Saturated magenta and cyan looks for music videos, club footage and reels.", { isNew: true }),
      p(P, 79, "HDR Grading LUT Kit", "PQ and HLG LUTs with display transforms for HDR deliverables on streaming platforms.", { tags: ["4k"] }),
      p(I, 19, "Anime Pastel LUTs", "Dreamy pastel skies and soft greens inspired by hand-painted animation backgrounds."),
      p(B, 19, "Drone Footage LUTs", "Looks built for the flat profiles of consumer drones, with haze and horizon control.", { tags: ["4k"] }),
    ],
  },
  {
    cluster: "photo-stock-nature",
    category: "photo",
    topics: ["stock-photos", "landscape", "nature"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(B, 29, "Alpine Landscapes Photo Pack", "Eighty high-resolution alpine scenes licensed for web and print projects.", { tags: ["print"] }),
      p(B, 29, "Ocean & Coastline Photo Pack", "Seventy coastal scenes from calm lagoons to storm surf, shot at golden hour."),
      p(I, 35, "Desert Light Photo Pack", "Dunes, canyons and salt flats in hard and soft light for editorial and travel layouts."),
      p(I, 45, "Northern Lights Photo Pack", "Forty aurora images from Norway and Iceland with clean, low-noise night skies.", { seasons: ["winter"] }),
      p(B, 19, "Wildflower Macro Photo Pack", "Close-up meadow flowers; a share of every sale funds wildflower meadow restoration.", { tags: ["sustainable"], seasons: ["spring"] }),
      p(I, 39, "Rainforest Canopy Photo Pack", "Lush canopy and understory images; 10% of proceeds support rainforest conservation.", { tags: ["sustainable"] }),
      p(P, 69, "Aerial Drone Landscapes Pack", "Sixty 8K aerial stills shot on a full-frame drone, ready for large-format print.", { tags: ["4k", "print"] }),
      p(B, 19, "Autumn Forest Photo Pack", "Fifty backgrounds of golden and crimson woodland for seasonal campaigns.", { seasons: ["autumn"] }),
      p(I, 24, "Sunset Skies Replacement Pack", "Fifty sky-replacement images with matching light-direction notes for believable composites."),
      p(I, 29, "Misty Mountains Photo Pack", "Layered ridgelines and valley fog for calm, minimal backgrounds."),
      p(B, 19, "Spring Blossoms Photo Pack", "Cherry, magnolia and apple blossoms in soft pastel light.", { seasons: ["spring"] }),
    ],
  },
  {
    cluster: "photo-stock-lifestyle",
    category: "photo",
    topics: ["stock-photos", "lifestyle", "people"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(B, 39, "Remote Work Lifestyle Pack", "Diverse, model-released photos of people working from home, cafés and co-working spaces.", { tags: ["best_seller"] }),
      p(B, 39, "Small Business Owners Photo Pack", "Authentic portraits of makers, shopkeepers and founders at work."),
      p(I, 45, "Fitness & Wellness Photo Pack", "Yoga, running and strength-training scenes with natural, unretouched athletes."),
      p(B, 29, "Family Holidays Photo Pack", "Warm, candid family moments around the table, the tree and the fireplace.", { seasons: ["holiday", "winter"] }),
      p(B, 25, "Back to School Photo Pack", "Classrooms, backpacks and study sessions for education and retail campaigns.", { seasons: ["back_to_school"] }),
      p(I, 35, "Nightlife & Cocktail Bar Photo Pack", "Bartenders, cocktails and late-night crowds for hospitality marketing.", { flags: ["age_restricted"] }),
      p(P, 79, "Healthcare Professionals Photo Pack", "Clinicians and patients with releases cleared for US and Canadian commercial use.", { jurisdictions: ["US", "CA"] }),
      p(I, 29, "Summer Festival Crowd Pack", "Open-air stages, crowds and golden-hour dancing for event promotion.", { seasons: ["summer"] }),
      p(I, 49, "Diverse Team Meetings Photo Pack", "Inclusive workplace collaboration scenes for corporate sites and pitch decks."),
      p(P, 59, "Fine Art Figure Study Reference Pack", "Tasteful figure references for life drawing and anatomy study, shown only to verified adults.", { flags: ["age_restricted"], personas: ["vector_first"] }),
    ],
  },
  {
    cluster: "photo-overlays",
    category: "photo",
    topics: ["overlays", "textures", "photoshop"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(B, 15, "Film Grain & Dust Overlays", "Scanned grain, dust and scratches that blend in with a single screen layer."),
      p(B, 12, "Light Leaks Overlay Pack", "Sixty real light leaks captured on film for warm, analogue edges."),
      p(B, 12, "Bokeh Lights Overlays", "Soft, out-of-focus string lights for festive portraits and product shots.", { seasons: ["holiday"] }),
      p(I, 19, "Rain & Fog Overlays", "Layered rain streaks and rolling fog that add mood without looking pasted on."),
      p(I, 19, "Paper & Grunge Textures", "High-resolution paper, card and grunge scans for photo and vector work alike.", { tags: ["print"], personas: ["vector_first"] }),
      p(B, 9, "Snowfall Overlays", "Falling snow in three depths for instant winter scenes.", { seasons: ["winter"] }),
      p(I, 17, "Prism & Lens Flare Overlays", "In-camera prism effects and anamorphic flares for dreamy portraits."),
      p(P, 29, "Frequency Separation Action Set", "Photoshop actions for high-end skin retouching with frequency separation and dodge-and-burn layers.", { devices: ["desktop"], topics: ["retouching"] }),
    ],
  },
  {
    cluster: "photo-mockups",
    category: "photo",
    topics: ["mockups", "branding", "photoshop"],
    personas: ["photo_first", "vector_first"],
    physical: false,
    products: [
      p(I, 29, "Stationery Branding Mockups", "Photorealistic business cards, letterheads and envelopes with smart-object layers.", { tags: ["print"] }),
      p(B, 24, "Apparel T-Shirt Mockups", "Front, back and folded tee mockups in twelve colours with realistic fabric folds."),
      p(B, 19, "Device Screen Mockups", "Phones, tablets and laptops at flattering angles for app and web presentations."),
      p(I, 34, "Packaging Box Mockups", "Mailer boxes, tuck boxes and sleeves with editable dielines.", { tags: ["print"] }),
      p(B, 17, "Poster & Frame Mockups", "Framed posters in living rooms and galleries to show prints in context.", { tags: ["print"] }),
      p(I, 22, "Book Cover Mockups", "Hardcover, paperback and e-reader mockups for authors and publishers.", { tags: ["print"] }),
      p(I, 29, "Signage & Billboard Mockups", "Street signage, shopfronts and billboards for presenting outdoor campaigns."),
    ],
  },
  {
    cluster: "vector-icons",
    category: "vector",
    topics: ["icons", "ui", "svg"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(B, 0, "Free Icon Sampler", "Fifty free icons from our best-selling sets, delivered by email when you join the newsletter.", { flags: ["requires_marketing_consent"] }),
      p(B, 19, "Line Icons Essentials", "Twelve hundred pixel-perfect line icons in SVG, PNG and icon-font formats on a 24px grid.", { tags: ["best_seller"] }),
      p(B, 24, "Duotone Business Icons", "Four hundred two-tone icons for finance, logistics and office topics."),
      p(B, 19, "E-commerce Icon Set", "Carts, payments, shipping and returns icons for storefronts and checkout flows."),
      p(B, 9, "Weather Icon Set", "Sixty crisp weather and climate icons in outline and filled styles."),
      p(I, 39, "Animated Lottie Icons", "Two hundred micro-animated icons exported as Lottie JSON for apps and websites.", { isNew: true, topics: ["animation"] }),
      p(B, 15, "Hand-Drawn Doodle Icons", "Sketchy, friendly icons for blogs, newsletters and kids' projects."),
      p(I, 29, "Medical & Health Icons", "Clinically reviewed medical icons for health apps and patient leaflets."),
      p(I, 24, "Finance & Crypto Icons", "Banking, trading and wallet icons with matching chart glyphs."),
      p(P, 49, "Isometric Icon Collection", "Three hundred isometric icons on a true 30-degree grid with editable colour tokens."),
      p(P, 89, "Icon Design System Master File", "Editable source files with variable stroke widths, tokens and export presets for maintaining a product icon system.", { devices: ["desktop"], topics: ["design-systems"] }),
      p(B, 9, "Holiday Icon Pack", "Gifts, ornaments and snowflakes for seasonal banners and emails.", { seasons: ["holiday", "winter"] }),
      p(B, 12, "Outline Travel Icons", "Flights, hotels and landmarks in a light outline style for travel sites."),
      p(P, 59, "Filled UI Icons Pro", "Two thousand filled interface icons in three optical sizes, hinted for 16, 20 and 24px."),
    ],
  },
  {
    cluster: "vector-illustration",
    category: "vector",
    topics: ["illustration", "vector-art", "svg"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(B, 29, "Flat People Illustration Kit", "Mix-and-match characters with interchangeable poses, outfits and skin tones.", { tags: ["best_seller"] }),
      p(I, 45, "Isometric City Builder Kit", "Buildings, roads and vehicles that snap together into isometric city scenes."),
      p(B, 19, "Botanical Line Art Collection", "Delicate leaves and flowers drawn in a single line weight for branding and invitations.", { tags: ["print"] }),
      p(B, 15, "Abstract Shapes & Blobs Kit", "Organic shapes and gradients for backgrounds, slides and social posts."),
      p(I, 22, "Hand-Lettered Quotes Vector Pack", "Forty hand-lettered quotes traced to clean vectors for prints and merch.", { tags: ["print"] }),
      p(I, 39, "Children's Book Characters Kit", "Friendly animals and kids with expressions and poses for picture books.", { tags: ["print"] }),
      p(I, 25, "Retro Badges & Emblems", "Vintage badges, crests and labels with editable text for logos and packaging.", { tags: ["print"] }),
      p(B, 19, "Eco Planet Illustrations", "Illustrations about renewable energy, recycling and climate action; 10% of proceeds fund reforestation.", { tags: ["sustainable"] }),
      p(P, 79, "Editorial Illustration Source Files", "Layered master files from a professional editorial illustrator, with brushes and process notes."),
      p(B, 12, "Halloween Spooky Vectors", "Pumpkins, ghosts and bats in a cute, print-friendly style.", { seasons: ["autumn"] }),
      p(I, 35, "3D Clay Character Renders", "Soft clay-style 3D characters rendered as transparent PNGs and layered sources.", { isNew: true, topics: ["3d"] }),
      p(P, 59, "Scientific Diagram Kit", "Accurate anatomy, chemistry and physics diagrams for textbooks and journals.", { tags: ["print"] }),
    ],
  },
  {
    cluster: "vector-fonts",
    category: "vector",
    topics: ["fonts", "typography", "branding"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(I, 49, "Halden Sans Font Family", "A geometric sans in nine weights plus a variable font, tuned for brand and interface work.", { tags: ["best_seller", "print"] }),
      p(I, 35, "Marlowe Serif Display Font", "A high-contrast display serif for magazine covers, packaging and luxury brands.", { tags: ["print"] }),
      p(B, 19, "Brushline Script Font", "Hand-painted script with alternates and swashes for logos, invitations and social posts."),
      p(I, 29, "Kestrel Mono Coding Font", "A legible monospace with programming ligatures for code, terminals and technical docs."),
      p(B, 15, "Pinewood Handwritten Font", "Relaxed handwriting with multiple glyph variants so repeated letters look natural."),
      p(P, 69, "Ostrava Condensed Font Family", "Twelve condensed weights for editorial headlines and tight sports layouts.", { tags: ["print"] }),
      p(P, 149, "Norda Variable Superfamily", "A three-axis variable superfamily with sans, serif and mono companions and an extended commercial license."),
      p(B, 15, "Retro Groovy Display Font", "Bouncy seventies display letters for posters, merch and album art."),
      p(I, 25, "Blackletter Heritage Font", "A modernised blackletter with contextual alternates for craft brands and tattoo art."),
      p(B, 29, "Beginner Font Pairing Pack", "Six ready-made headline and body pairings with a usage cheat sheet.", { tags: ["starter"] }),
      p(P, 89, "Arabic & Latin Bilingual Font", "A harmonised Arabic and Latin type family for bilingual brands and interfaces.", { isNew: true }),
      p(B, 19, "Rounded Friendly Sans Font", "A soft, rounded sans for kids' brands, apps and approachable packaging."),
    ],
  },
  {
    cluster: "vector-patterns",
    category: "vector",
    topics: ["patterns", "textures", "surface-design"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(B, 12, "Seamless Geometric Patterns", "Forty seamless geometric repeats as vector swatches and tileable PNGs."),
      p(B, 15, "Terrazzo & Memphis Patterns", "Playful terrazzo speckles and Memphis shapes for packaging and web backgrounds."),
      p(I, 19, "Scandinavian Floral Patterns", "Folk-inspired floral repeats in muted colourways for textiles and stationery.", { tags: ["print"] }),
      p(B, 9, "Christmas Wrapping Paper Patterns", "Print-ready festive repeats for gift wrap, cards and seasonal packaging.", { tags: ["print"], seasons: ["holiday", "winter"] }),
      p(B, 9, "Spring Pastel Patterns", "Fresh pastel florals and gingham for spring campaigns.", { seasons: ["spring"] }),
      p(I, 19, "Japanese Wave Patterns", "Seigaiha waves, asanoha stars and other traditional repeats redrawn as clean vectors."),
      p(P, 45, "Surface Design Repeat Toolkit", "Swatch libraries and half-drop repeat templates for licensing textile and wallpaper designs.", { tags: ["print"] }),
      p(B, 12, "Tropical Leaves Patterns", "Monstera and palm repeats for summer menus and swimwear.", { seasons: ["summer"] }),
      p(I, 19, "Art Deco Patterns", "Gold-line Art Deco fans and chevrons for invitations and premium packaging.", { tags: ["print"] }),
      p(B, 12, "Kids Nursery Patterns", "Gentle animals and stars in soft colours for nursery decor and baby products."),
    ],
  },
  {
    cluster: "vector-ui-kits",
    category: "vector",
    topics: ["ui-kits", "web-design", "figma"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(I, 59, "SaaS Dashboard UI Kit", "Three hundred dashboard components, charts and tables built on auto-layout.", { tags: ["best_seller"] }),
      p(B, 29, "Mobile App Wireframe Kit", "Low-fidelity screens and flows for sketching app ideas in an afternoon."),
      p(B, 39, "Landing Page UI Kit", "High-converting hero, pricing and testimonial blocks built on auto-layout.", { topics: ["conversion"] }),
      p(I, 49, "E-commerce Storefront UI Kit", "Product grids, detail pages and checkout steps for online shops.", { topics: ["conversion"] }),
      p(I, 69, "Design System Starter for Figma", "Tokens, typography and forty core components to start a design system the right way.", { topics: ["design-systems"] }),
      p(P, 199, "Enterprise Design System Pro", "A token-driven design system with 2,000 components, dark mode and accessibility annotations.", { devices: ["desktop"], topics: ["design-systems"] }),
      p(B, 19, "Social Media Templates Pack", "Two hundred editable post and story templates for Instagram, LinkedIn and Pinterest.", { topics: ["social-media"], personas: ["photo_first"] }),
      p(B, 24, "Email Newsletter Templates", "Responsive newsletter layouts tested in the major email clients.", { topics: ["marketing"] }),
      p(B, 15, "Black Friday Sale Banner Kit", "Countdown banners, badges and social posts for your biggest sale of the year.", { seasons: ["black_friday"], isNew: true, topics: ["marketing"] }),
    ],
  },
  // The beginner journey: three small starter clusters rather than one, so "at most N per cluster" diversity
  // still leaves a full grid of starter bundles.
  {
    cluster: "starter-bundles-photo",
    category: "bundle",
    topics: ["bundles", "getting-started", "photo-editing"],
    personas: ["photo_first"],
    physical: false,
    tags: ["starter"],
    popularity: [0.62, 0.9],
    products: [
      p(B, 35, "Photo Editing Starter Kit", "Presets, overlays, a stock pack and a photo editing basics course in one download.", { tags: ["best_seller"] }),
      p(B, 25, "Lightroom Presets Starter Bundle", "Forty of our most-loved presets across portrait, travel and food, with a how-to video.", { topics: ["lightroom", "presets"] }),
      p(B, 49, "Color Grading Starter Bundle", "Beginner LUTs, a grading cheat sheet and sample log footage to practise on.", { topics: ["luts", "color-grading"] }),
      p(B, 19, "Mobile Photography Starter Kit", "Mobile presets, overlays and a shooting checklist for better phone photos.", { topics: ["mobile-photography"] }),
    ],
  },
  {
    cluster: "starter-bundles-vector",
    category: "bundle",
    topics: ["bundles", "getting-started", "vector-art"],
    personas: ["vector_first"],
    physical: false,
    tags: ["starter"],
    popularity: [0.62, 0.9],
    products: [
      p(B, 39, "Vector Starter Bundle", "Icons, an illustration kit, two fonts and a beginner course: everything to start drawing in vector.", { tags: ["best_seller"] }),
      p(B, 45, "Logo Design Starter Bundle", "Logo templates, badge elements, three fonts and a brief-to-delivery checklist.", { topics: ["branding"] }),
      p(B, 29, "Typography Starter Bundle", "Four versatile font families with pairing guides for your first brand projects.", { topics: ["fonts", "typography"] }),
      p(B, 79, "Drawing Tablet Starter Bundle", "A compact pen tablet bundled with brush packs and a tablet setup course.", { physical: true, stock: 64, tags: ["eco_packaging"], topics: ["drawing-tablets"] }),
    ],
  },
  {
    cluster: "starter-bundles-creator",
    category: "bundle",
    topics: ["bundles", "getting-started", "marketing"],
    personas: ["photo_first", "vector_first"],
    physical: false,
    tags: ["starter"],
    popularity: [0.62, 0.9],
    products: [
      p(B, 29, "Social Media Creator Starter Pack", "Templates, presets and icon packs sized for every major social platform.", { topics: ["social-media"] }),
      p(B, 55, "Print Shop Starter Bundle", "Print-ready templates, CMYK swatches and a print-ready export guide for selling physical prints.", { tags: ["print"], topics: ["print-ready"] }),
      p(B, 25, "Back to School Design Starter Bundle", "Worksheets, classroom posters and bright icons for teachers and student creators.", { seasons: ["back_to_school"] }),
    ],
  },
  {
    cluster: "pro-bundles",
    category: "bundle",
    topics: ["bundles"],
    personas: [],
    physical: false,
    products: [
      p(P, 199, "Complete Photographer's Toolkit", "Every preset, LUT and overlay pack we make, plus the wedding workflow course.", { tags: ["best_seller"], personas: ["photo_first"], topics: ["presets", "luts"] }),
      p(P, 179, "Brand Identity Master Bundle", "Premium fonts, logo systems and mockups for complete brand identity projects.", { personas: ["vector_first"], topics: ["branding"] }),
      p(P, 149, "Video Colorist Bundle", "Technical and creative LUTs, HDR tools and a colour grading course for working editors.", { tags: ["4k"], personas: ["photo_first"], topics: ["color-grading"] }),
      p(I, 99, "UI Designer Essentials Bundle", "Our best UI kits, icon sets and a design system starter at a bundle price.", { personas: ["vector_first"], topics: ["ui-kits"] }),
      p(I, 69, "Illustrator's Brush & Texture Bundle", "Vector brushes, paper textures and grain overlays for hand-made warmth.", { personas: ["vector_first"], topics: ["illustration"] }),
      p(I, 119, "Wedding Photographer Business Bundle", "Presets, client guides, contract templates and an album design kit.", { personas: ["photo_first"], topics: ["weddings"] }),
      p(P, 299, "Everything Vector Lifetime Bundle", "Lifetime access to every current and future icon set, illustration kit and font.", { personas: ["vector_first"], topics: ["icons", "fonts"] }),
    ],
  },
  {
    cluster: "seasonal-bundles",
    category: "bundle",
    topics: ["bundles", "sale"],
    personas: ["photo_first", "vector_first"],
    physical: false,
    products: [
      p(I, 99, "Black Friday Mega Bundle", "Forty best-selling products at 85% off, for one week only.", { tags: ["best_seller"], seasons: ["black_friday"], isNew: true }),
      p(B, 29, "Holiday Greeting Card Bundle", "Card templates, festive patterns and hand-lettered greetings ready to print.", { tags: ["print"], seasons: ["holiday", "winter"] }),
      p(B, 24, "Summer Social Media Bundle", "Bright summer templates, tropical patterns and beach photos for seasonal posts.", { seasons: ["summer"] }),
      p(B, 24, "Spring Refresh Design Bundle", "Pastel palettes, florals and spring photos to refresh your brand.", { seasons: ["spring"] }),
      p(B, 19, "Back to School Classroom Bundle", "Classroom posters, label templates and school icons.", { seasons: ["back_to_school"] }),
      p(P, 249, "Cyber Week Pro Bundle", "Pro licenses, premium fonts and LUTs at Cyber Week prices for US and Canadian customers.", { seasons: ["black_friday"], isNew: true, jurisdictions: ["US", "CA"] }),
      p(B, 19, "Autumn Harvest Bundle", "Warm autumn patterns, presets and photos for harvest and Thanksgiving promotions.", { seasons: ["autumn"] }),
    ],
  },
  // The high-end grid: pro_gear at skill "pro" is tagged high_end and aimed at shopper_pro automatically.
  {
    cluster: "tablets",
    category: "pro_gear",
    topics: ["drawing-tablets", "hardware"],
    personas: ["vector_first"],
    physical: true,
    products: [
      p(I, 379, "Inkwell Pro Medium Pen Tablet", "A screenless pen tablet with 8,192 pressure levels, tilt support and eight express keys.", { tags: ["eco_packaging"] }),
      p(P, 549, "Inkwell Pro Large Pen Tablet", "A large-format screenless tablet for sweeping strokes and retouching at arm's length."),
      p(P, 899, "Canvas 16 Pen Display", "A laminated 16-inch pen display with 99% sRGB coverage and a foldable stand."),
      p(P, 2199, "Canvas 24 4K Pen Display", "A 24-inch 4K pen display with 98% Adobe RGB, factory calibration and touch gestures.", { tags: ["best_seller", "4k"] }),
      p(P, 2999, "Canvas 32 Studio Pen Display", "The flagship 32-inch 4K studio pen display with hardware calibration and an ergonomic arm.", { tags: ["4k"], stock: 0 }),
      p(I, 329, "Slate Wireless Pen Tablet", "A wireless tablet made with 60% recycled plastics and shipped in plastic-free packaging.", { tags: ["sustainable", "eco_packaging"] }),
      p(I, 449, "Canvas 13 Portable Pen Display", "A slim 13-inch pen display powered over a single USB-C cable.", { isNew: true }),
      p(P, 1099, "Refurbished Canvas 22 Pen Display", "A certified refurbished 22-inch pen display with a new pen and a two-year warranty.", { tags: ["sustainable"] }),
    ],
  },
  {
    cluster: "monitors",
    category: "pro_gear",
    topics: ["monitors", "color-management", "hardware"],
    personas: ["photo_first"],
    physical: true,
    products: [
      p(P, 1299, "TrueTone 27-inch 4K Photo Monitor", "A 27-inch 4K IPS monitor with 99% Adobe RGB and a built-in calibration sensor.", { tags: ["best_seller", "4k"] }),
      p(P, 2899, "TrueTone 32-inch 4K HDR Reference Monitor", "A 32-inch mini-LED reference monitor for HDR grading, sold with US/Canada power and warranty.", { tags: ["4k"], jurisdictions: ["US", "CA"] }),
      p(I, 699, "TrueTone 24-inch Wide-Gamut Monitor", "A 24-inch wide-gamut monitor that brings colour-accurate editing to smaller desks.", { stock: 0 }),
      p(P, 1799, "StudioView 27-inch 5K Designer Display", "A 5K display with P3 colour and a matte nano-texture panel for design studios.", { personas: ["vector_first"] }),
      p(P, 1599, "TrueTone 27-inch Print Proofing Monitor", "An Adobe RGB monitor with a hardware LUT and shading hood for soft proofing prints.", { tags: ["print", "4k"] }),
      p(I, 449, "Field Monitor 7-inch 4K", "A bright on-camera monitor with LUT preview and false colour for video shoots.", { tags: ["4k"], topics: ["video"] }),
    ],
  },
  {
    cluster: "colorimeters",
    category: "pro_gear",
    topics: ["calibration", "color-management", "hardware"],
    personas: ["photo_first"],
    physical: true,
    products: [
      p(I, 329, "SpectraCal Display Colorimeter", "Calibrates monitors, laptops and projectors in under five minutes."),
      p(P, 499, "SpectraCal Pro Colorimeter", "A fast, high-luminance colorimeter for wide-gamut, HDR and OLED displays.", { tags: ["best_seller"] }),
      p(P, 1499, "SpectraPro Spectrophotometer", "Measures paper and printer profiles as well as displays for a closed-loop print workflow.", { tags: ["print"] }),
      p(P, 949, "Print Profiling Kit (EU Edition)", "A spectrophotometer, profiling software and test charts, sold with EU warranty and support.", { tags: ["print"], jurisdictions: ["DE", "FR", "NL"] }),
      p(P, 649, "SpectraCal Video Calibration Kit", "Colorimeter, pattern generator and software for calibrating grading monitors and TVs.", { tags: ["4k"], topics: ["video"] }),
      p(P, 749, "SpectraCal Dual-Monitor Calibration Kit", "Matches two displays side by side so retouchers see the same colour on both screens."),
    ],
  },
  {
    cluster: "studio-lights",
    category: "pro_gear",
    topics: ["lighting", "studio", "hardware"],
    personas: ["photo_first"],
    physical: true,
    products: [
      p(I, 389, "Bi-Color LED Panel Kit", "Two bi-colour LED panels with stands and diffusion, CRI 96+, in recyclable packaging.", { tags: ["eco_packaging"] }),
      p(P, 899, "Studio Strobe 600W Monolight (US 120V)", "A 600-watt monolight with fast recycling and TTL, built for 120V mains.", { jurisdictions: ["US", "CA"] }),
      p(P, 899, "Studio Strobe 600W Monolight (EU 230V)", "A 600-watt monolight with fast recycling and TTL, built for 230V mains.", { jurisdictions: ["DE", "FR", "NL"] }),
      p(I, 449, "RGB Tube Light Pair", "Two app-controlled RGB tubes for creative colour accents in photo and video.", { isNew: true, stock: 0 }),
      p(I, 349, "Softbox & Continuous Light Studio Kit", "Two softboxes, a backdrop stand and continuous LEDs for a home studio."),
      p(P, 1199, "Pro COB Light 300W", "A 300-watt bi-colour COB light with Bowens mount and silent cooling for film sets.", { tags: ["4k"], topics: ["video"] }),
      p(I, 319, "Ring Light Pro 19-inch", "A 19-inch bi-colour ring light for beauty, portrait and streaming setups.", { stock: 0 }),
      p(I, 399, "Portable Flash Kit", "Two battery-powered speedlights with triggers and softboxes for location shoots.", { tags: ["eco_packaging"] }),
    ],
  },
  {
    cluster: "pro-licenses",
    category: "pro_gear",
    topics: ["software", "licenses"],
    personas: [],
    physical: false,
    products: [
      p(P, 449, "RAW Studio Pro Perpetual License", "A perpetual license for our RAW processor with tethering, layers and GPU-accelerated export.", { devices: ["desktop"], personas: ["photo_first"], topics: ["photo-editing"] }),
      p(P, 449, "VectorForge Pro Annual License", "A year of our pro vector editor with variable fonts, plugins and cloud libraries.", { devices: ["desktop"], personas: ["vector_first"], topics: ["vector-art"] }),
      p(P, 999, "ColorSuite Grading Studio License", "Node-based colour grading with HDR scopes and panel support, licensed per workstation.", { tags: ["4k"], devices: ["desktop"], personas: ["photo_first"], topics: ["color-grading"] }),
      p(P, 599, "Font Foundry Extended Commercial License", "Unlimited-seat web, app and broadcast license for our full type library.", { personas: ["vector_first"], topics: ["fonts", "licensing"] }),
      p(I, 499, "Team Stock Photo Subscription (Annual)", "Twenty-five seats of unlimited standard-license stock downloads for agencies.", { personas: ["photo_first"], topics: ["stock-photos", "licensing"] }),
      p(P, 1499, "Render Engine Node-Locked License", "A GPU render engine for illustrators working in 3D, locked to one workstation.", { devices: ["desktop"], personas: ["vector_first"], topics: ["3d"] }),
      p(I, 349, "Extended Print-on-Demand License", "An unlimited print-run license for merch, posters and packaging using any asset in the library.", { tags: ["print"], personas: ["vector_first", "photo_first"], topics: ["licensing"] }),
    ],
  },
  {
    cluster: "courses-photo",
    category: "tutorial",
    topics: ["courses", "photo-editing"],
    personas: ["photo_first"],
    physical: false,
    products: [
      p(B, 29, "Photo Editing Fundamentals Course", "Six hours of video lessons on exposure, colour and cropping, with practice RAW files.", { tags: ["starter", "best_seller"] }),
      p(I, 79, "Lightroom Masterclass", "From catalogue setup to local adjustments and building your own presets.", { topics: ["lightroom", "presets"] }),
      p(P, 129, "Portrait Retouching Pro Course", "High-end skin, frequency separation and dodge-and-burn techniques used in beauty retouching.", { topics: ["retouching"] }),
      p(I, 99, "Color Grading for Filmmakers", "Log workflows, LUTs and scopes for consistent, cinematic grades.", { tags: ["4k"], topics: ["color-grading", "video"] }),
      p(B, 39, "Product Photography at Home", "Shoot and edit clean product photos for your shop with window light and a phone.", { tags: ["starter"], topics: ["product-photography"] }),
      p(P, 149, "Wedding Photography Business Workflow", "Culling, batch editing and delivery systems for full-time wedding photographers.", { topics: ["weddings"] }),
      p(B, 19, "Smartphone Photography Crash Course", "Twelve short lessons on composition and editing with the phone in your pocket.", { tags: ["starter"], topics: ["mobile-photography"] }),
      p(I, 89, "Studio Lighting Essentials", "One, two and three-light setups with continuous lights and strobes.", { isNew: true, topics: ["lighting", "studio"] }),
      p(P, 119, "Astrophotography from Start to Stack", "Plan, shoot and stack Milky Way and deep-sky images with noise-free results.", { topics: ["landscape"] }),
    ],
  },
  {
    cluster: "courses-vector",
    category: "tutorial",
    topics: ["courses", "vector-art"],
    personas: ["vector_first"],
    physical: false,
    products: [
      p(B, 29, "Vector Illustration for Beginners", "Build five finished illustrations from basic shapes while learning the core vector tools.", { tags: ["starter", "best_seller"], topics: ["illustration", "getting-started"] }),
      p(B, 24, "Mastering the Pen Tool", "Exercises that take you from wobbly paths to clean Bézier curves in a week.", { tags: ["starter"] }),
      p(I, 69, "Icon Design Bootcamp", "Grids, keylines and consistency for designing a complete icon set.", { topics: ["icons"] }),
      p(I, 89, "Logo Design from Brief to Delivery", "The full process of professional logo projects, from research to final files.", { topics: ["branding"] }),
      p(P, 119, "Typography Deep Dive", "Type anatomy, pairing, hierarchy and licensing for brand and editorial designers.", { topics: ["fonts", "typography"] }),
      p(I, 79, "Digital Painting with a Pen Tablet", "Set up your tablet and paint with pressure, texture and layered light.", { topics: ["drawing-tablets", "illustration"] }),
      p(P, 99, "Print-Ready Design Masterclass", "Bleed, colour profiles, CMYK conversion and preflight for professional print jobs.", { tags: ["print"], topics: ["print-ready"] }),
      p(P, 139, "Motion Graphics for Illustrators", "Animate your vector illustrations for social media and explainer videos.", { isNew: true, devices: ["desktop"], topics: ["animation"] }),
    ],
  },
  {
    cluster: "courses-business",
    category: "tutorial",
    topics: ["courses", "marketing", "business"],
    personas: ["photo_first", "vector_first"],
    physical: false,
    products: [
      p(B, 49, "Sell Your Designs Online", "Set up a shop, photograph your products and price your first digital downloads.", { tags: ["starter"] }),
      p(I, 99, "Conversion Rate Optimisation for Creators", "Audit your product pages, pricing and checkout to turn more visitors into buyers.", { topics: ["conversion"] }),
      p(I, 59, "Licensing & Copyright for Creatives", "How US and Canadian copyright, releases and licenses apply to your creative business.", { jurisdictions: ["US", "CA"], topics: ["licensing"] }),
      p(B, 39, "Pricing Your Creative Work", "Value-based pricing, tiers and bundles for freelancers and shop owners.", { tags: ["starter"] }),
      p(I, 69, "Email List Growth for Creative Shops", "Grow and nurture a newsletter that brings buyers back for every launch.", { topics: ["email-marketing"] }),
      p(I, 49, "Black Friday Launch Playbook", "A week-by-week plan for your biggest sale: offers, emails and storefront changes.", { seasons: ["black_friday"], isNew: true }),
    ],
  },
];

/** Editorial content: free guides and tutorials that /v1/content/search indexes by body text. */
interface ContentSeed {
  cluster: string;
  category: ContentCategory;
  level: SkillLevel;
  title: string;
  topics: string[];
  personas: Persona[];
  summary: string;
  /** Paragraphs joined with blank lines; 80-250 words. */
  paragraphs: string[];
  tags?: MerchTag[];
  seasons?: SeasonalTag[];
  isNew?: boolean;
  jurisdictions?: string[];
}

// Ids c101..c130 follow this order.
const contentSeeds: readonly ContentSeed[] = [
  {
    cluster: "guides-vector",
    category: "tutorial",
    level: B,
    title: "Getting Started with Vector Illustration",
    topics: ["vector-art", "illustration", "getting-started"],
    personas: ["vector_first"],
    tags: ["starter"],
    summary: "What vector illustration is, which three tools to learn first and how to set up your first document.",
    paragraphs: [
      "Vector illustration describes shapes with points and curves instead of pixels, so your artwork stays crisp at any size, from a favicon to a billboard. That makes it the default for logos, icons, infographics and most flat-style illustration.",
      "Start with three tools: the shape tools, the pen tool and the shape builder (or pathfinder). Most beginner pieces are built by combining simple circles, rectangles and polygons, then merging or subtracting them. Resist the urge to draw everything freehand on day one.",
      "Set up your document before you draw. Pick an artboard size that matches the final use, switch on a pixel or point grid, and create a small palette of five or six swatches so your colours stay consistent.",
      "Finally, work in layers named by purpose (background, characters, details) and save often. When you are ready for more, an illustration kit is a fast way to study how professionals structure their files: open one, take it apart and rebuild a piece yourself.",
    ],
  },
  {
    cluster: "guides-vector",
    category: "tutorial",
    level: B,
    title: "Pen Tool Basics: Drawing Clean Bézier Curves",
    topics: ["vector-art", "pen-tool", "getting-started"],
    personas: ["vector_first"],
    tags: ["starter"],
    summary: "A short routine for placing anchor points and handles so your paths come out smooth and easy to edit.",
    paragraphs: [
      "The pen tool intimidates almost everyone at first, because it does not behave like a pencil. Instead of dragging a line, you place anchor points and pull handles that decide how the curve bends between them.",
      "Follow one rule and most problems disappear: use as few anchor points as possible, and place them at the extremes of a curve, the top, bottom, left and right of a bump. Keep handles roughly one third of the length of the segment they control, and keep them horizontal or vertical when you can.",
      "Click without dragging for a sharp corner. Click and drag for a smooth point. Hold the modifier key (Alt or Option in most apps) to break a handle and turn a smooth point into a corner mid-path.",
      "Practise by tracing simple objects: a leaf, a cup, a letter S. Ten minutes a day for a week will do more than any shortcut list, and your icons and logos will look noticeably cleaner.",
    ],
  },
  {
    cluster: "guides-vector",
    category: "guide",
    level: I,
    title: "Building a Consistent Icon Set on a Grid",
    topics: ["icons", "ui", "vector-art"],
    personas: ["vector_first"],
    summary: "Grids, keylines, stroke rules and export habits that make a set of icons look drawn by one hand.",
    paragraphs: [
      "An icon set feels professional when every icon looks like it was drawn by the same hand. That consistency comes from a handful of decisions you make once and then apply everywhere.",
      "Choose a base grid, usually 24 by 24 pixels with two pixels of padding, and define keylines for circles, squares and portrait and landscape rectangles so that different shapes carry the same visual weight. Pick one stroke width, one corner radius and one style of line ending, and write them down.",
      "Draw at 1x on a pixel grid so that horizontal and vertical strokes snap to whole pixels, then check every icon at its real size, not zoomed in. Icons that look fine at 800 percent often turn blurry at 16 pixels.",
      "Finally, name and export systematically: lowercase, hyphenated names, an SVG with outlined strokes for the web, and a source file with live strokes for future edits.",
    ],
  },
  {
    cluster: "guides-vector",
    category: "guide",
    level: I,
    title: "Choosing and Pairing Fonts for Brand Work",
    topics: ["fonts", "typography", "branding"],
    personas: ["vector_first"],
    summary: "How to pick a headline and body typeface that contrast well, and what to test before committing.",
    paragraphs: [
      "Type does more to set the tone of a brand than almost any other choice, and most brands need only two families: one for headlines and one for body text.",
      "A reliable starting point is contrast with a shared skeleton. Pair a geometric sans with a humanist serif, or a condensed display face with a neutral text sans, and check that the x-heights feel related. Avoid pairing two faces that are similar but not identical; that reads as a mistake rather than a choice.",
      "Test with real copy at real sizes. Set a product page, a pricing table and an email subject line, and look at them on a phone as well as on a desktop monitor. Check the weights you actually need, the language support, and whether a variable version exists to keep web pages light.",
      "Before you commit, read the license. Desktop, web, app and broadcast uses are often licensed separately.",
    ],
  },
  {
    cluster: "guides-vector",
    category: "tutorial",
    level: P,
    title: "Vector Brushes and Textures Without Bloated Files",
    topics: ["vector-art", "textures", "illustration"],
    personas: ["vector_first"],
    summary: "Keep textured vector artwork light and editable: linked overlays, expanded copies and a cleanup before hand-off.",
    paragraphs: [
      "Texture brushes give vector work warmth, but they are also the most common reason a file grows to hundreds of megabytes and slows every save.",
      "Use pattern and art brushes sparingly and prefer clipping masks over expanded brush strokes. Keep texture in a small number of raster overlays set to multiply or overlay blend modes, linked rather than embedded, and downsample them to the final output resolution.",
      "When you must expand strokes, do it on a copy of the layer and keep the live version hidden, so you can still edit the drawing later. Simplify paths after expanding; auto-traced grain can easily add a hundred thousand anchor points.",
      "Before handing off, run a document cleanup to remove unused swatches, symbols and brushes, and export a flattened PDF for the client alongside the layered source. Your print shop, and your future self, will thank you.",
    ],
  },
  {
    cluster: "guides-photo",
    category: "tutorial",
    level: B,
    title: "Photo Editing Basics: Exposure, White Balance and Crop",
    topics: ["photo-editing", "getting-started", "lightroom"],
    personas: ["photo_first"],
    tags: ["starter"],
    summary: "The three adjustments that fix most photos, in the order that keeps them from fighting each other.",
    paragraphs: [
      "Most photos improve dramatically with three adjustments, made in the right order: white balance, exposure and crop.",
      "Fix white balance first, because every later adjustment depends on colour. Use the eyedropper on something that should be neutral grey or white, then nudge the temperature slider until skin tones look natural.",
      "Next, set exposure so the subject is bright enough, then use the highlights and shadows sliders to recover detail at both ends. Watch the histogram: a graph pressed hard against the right edge means blown-out highlights you cannot recover.",
      "Then crop. Straighten the horizon, remove distractions near the edges, and try placing the subject on a rule-of-thirds line. Crop to the aspect ratio you will publish in: square or 4:5 for social posts, 3:2 for prints.",
      "Only after these basics should you reach for presets or creative looks. A preset applied to a badly balanced photo just makes the problem more stylish.",
    ],
  },
  {
    cluster: "guides-photo",
    category: "guide",
    level: B,
    title: "How to Use Lightroom Presets Without Losing Your Style",
    topics: ["lightroom", "presets", "photo-editing"],
    personas: ["photo_first"],
    tags: ["starter"],
    summary: "Treat presets as a starting point: correct, dial back and save your own variations.",
    paragraphs: [
      "Presets are a starting point, not a finished edit. A preset stores slider values that were tuned for the creator's photos, so on your images the result will always need adjustment.",
      "Apply the preset, then correct exposure and white balance for your photo; these are the settings most likely to be wrong. Reduce the preset's strength if your editor offers an amount slider, or dial back saturation and clarity by hand.",
      "Pick a small family of presets and stick with it. A consistent feed or portfolio comes from using two or three related looks, not from trying a new pack every week.",
      "Once you find adjustments you repeat on every photo, save your own preset on top of the purchased one. That is how a bought look slowly becomes your own style.",
    ],
  },
  {
    cluster: "guides-photo",
    category: "tutorial",
    level: I,
    title: "Retouching Portraits Naturally",
    topics: ["retouching", "photo-editing", "photoshop"],
    personas: ["photo_first"],
    summary: "Non-destructive portrait retouching that keeps skin texture and character intact.",
    paragraphs: [
      "Good retouching is invisible. The goal is to make a person look like themselves on a good day, not like a plastic figure.",
      "Work non-destructively on separate layers. Start with the spot-healing brush for temporary blemishes such as spots and stray hairs, but leave moles, freckles and scars unless the subject asks otherwise.",
      "For skin, frequency separation lets you even out colour on one layer and texture on another. Keep the texture layer almost untouched; overly smoothed skin is the most common giveaway of amateur retouching. Dodge and burn with a soft brush at two or three percent flow to balance light and shadow rather than blurring everything.",
      "Finish by checking eyes and teeth. Brighten them slightly, but never whiter than the whites elsewhere in the frame. Zoom out often and compare with the original: if you notice the edit, pull it back.",
    ],
  },
  {
    cluster: "guides-photo",
    category: "tutorial",
    level: B,
    title: "Shooting and Editing Product Photos at Home",
    topics: ["product-photography", "photo-editing", "lighting"],
    personas: ["photo_first"],
    tags: ["starter"],
    summary: "Clean, consistent product photos with a window, white card and a phone on a tripod.",
    paragraphs: [
      "You do not need a studio to sell with photos. A window, a sheet of white card and a phone on a tripod will produce clean product shots that convert.",
      "Shoot near a large window with indirect daylight and turn off ceiling lights to avoid mixed colour. Put the product on a sweep of white card and place a second card opposite the window to bounce light back into the shadows.",
      "Lock focus and exposure on the product, shoot slightly overexposed, and take several angles: front, three-quarter, detail and one in use. Keep the camera position identical across products so your catalogue looks consistent.",
      "In editing, set white balance from the background, lift the whites until the card is pure white without losing the product edges, and crop every image to the same ratio. Save a preset for the whole series.",
    ],
  },
  {
    cluster: "guides-photo",
    category: "guide",
    level: P,
    title: "Batch Editing a Wedding Gallery Efficiently",
    topics: ["weddings", "lightroom", "workflow"],
    personas: ["photo_first"],
    summary: "Cull, group by lighting scene, sync from anchor images and deliver a consistent gallery fast.",
    paragraphs: [
      "A wedding can produce three thousand frames, and clients expect a consistent gallery within weeks. Speed comes from structure, not from working faster.",
      "Cull first, in a dedicated fast viewer rather than your catalogue, and be ruthless: near-duplicates and missed focus go immediately. Then group the remaining images by lighting scene: getting ready, ceremony, portraits, reception.",
      "Edit one anchor image per scene carefully, then sync its settings to the rest of the group and adjust only exposure and white balance individually. Profiles and presets built for your camera bodies remove most of the work of matching two cameras.",
      "Reserve detailed retouching for the images the couple is likely to print: portraits, the first kiss, the family formals. Export in two sizes, a full-resolution set for printing and a web set for sharing, and deliver the gallery before the couple has time to worry.",
    ],
  },
  {
    cluster: "guides-color",
    category: "tutorial",
    level: I,
    title: "Color Grading 101: From Log Footage to a Finished Look",
    topics: ["color-grading", "luts", "video"],
    personas: ["photo_first"],
    tags: ["4k"],
    summary: "Correct first, then grade: converting log footage, matching shots and building a look with scopes.",
    paragraphs: [
      "Log footage looks flat and grey straight out of the camera. That is deliberate: the log curve stores the widest possible range of highlights and shadows so you can shape them later.",
      "Grading happens in two stages. First comes correction: convert from log to a display space such as Rec.709 with a technical LUT or colour-space transform, then balance exposure, white balance and contrast so every shot in a scene matches.",
      "Only then comes the creative grade, the look. Push shadows towards one hue and highlights towards a complementary one, adjust saturation by range, and protect skin tones with a qualifier so faces stay natural.",
      "Use scopes rather than your eyes alone. The waveform shows exposure, the vectorscope shows saturation and skin-tone alignment. Grade on a calibrated display in a dim room; a bright office will trick you into grading too dark.",
    ],
  },
  {
    cluster: "guides-color",
    category: "guide",
    level: B,
    title: "What a LUT Actually Does",
    topics: ["luts", "color-grading", "getting-started"],
    personas: ["photo_first"],
    tags: ["starter"],
    summary: "Technical versus creative LUTs, the order to apply them in, and what they cannot fix.",
    paragraphs: [
      "A LUT, or look-up table, is a simple map: for every input colour it stores an output colour. Apply a LUT and every pixel is swapped for its mapped value.",
      "There are two kinds you will meet. Technical LUTs convert footage from one colour space to another, for example from a camera's log profile to standard Rec.709. Creative LUTs apply a look, such as a warm film style or a teal-and-orange blockbuster grade.",
      "The order matters. Apply a technical LUT first, correct exposure and white balance, and only then add a creative LUT, usually at reduced intensity. Putting a creative LUT on badly exposed footage exaggerates the problems.",
      "LUTs are not magic. They cannot recover clipped highlights or fix mixed lighting, and they were built for specific cameras and exposure. Treat them as a fast, consistent starting point.",
    ],
  },
  {
    cluster: "guides-color",
    category: "tutorial",
    level: P,
    title: "Pro Color Workflow: Calibrating Your Monitor",
    topics: ["calibration", "color-management", "monitors"],
    personas: ["photo_first"],
    isNew: true,
    summary: "Calibration targets for screen and print work, how often to recalibrate and why hardware calibration helps.",
    paragraphs: [
      "If your monitor is wrong, every edit you make is wrong in the same direction, and you will only find out when the prints come back or the client opens the file on their phone.",
      "Calibration has two parts. Calibration adjusts the display itself to a target white point, luminance and gamma. Profiling then measures the result with a colorimeter and writes an ICC profile that colour-managed apps use to display colours accurately.",
      "For photo work, target D65 and 120 candela per square metre for screen delivery, or D50 and about 90 to 100 for print matching in a controlled viewing booth. Let the display warm up for thirty minutes first, and dim the room.",
      "Recalibrate every two to four weeks; panels drift. Wide-gamut monitors with hardware calibration store the correction inside the display, which avoids banding and survives a change of computer.",
    ],
  },
  {
    cluster: "guides-color",
    category: "guide",
    level: P,
    title: "Soft Proofing and Color Spaces: sRGB, Display P3, Adobe RGB",
    topics: ["color-management", "print-ready", "calibration"],
    personas: ["photo_first"],
    tags: ["print"],
    summary: "Which colour space to edit in, how to export for each output and how soft proofing predicts a print.",
    paragraphs: [
      "A colour space defines which colours a file can describe. sRGB is the web standard and the safest default. Display P3 covers the wider gamut of modern phones and laptops. Adobe RGB extends further into the greens and cyans that good inkjet printers can reproduce.",
      "Edit in a space at least as large as your widest output, then convert on export. A photo destined for the web and for fine art prints can be edited in Adobe RGB or ProPhoto RGB and exported twice.",
      "Soft proofing simulates the final output on screen, using the ICC profile of a particular printer and paper. Turn it on before you export for print and watch for out-of-gamut warnings, usually saturated blues and greens. Adjust those areas locally rather than desaturating the whole image.",
      "Soft proofing is only as reliable as your monitor calibration, so profile the display first.",
    ],
  },
  {
    cluster: "guides-color",
    category: "guide",
    level: I,
    title: "Building a Color Palette That Works in Print and on Screen",
    topics: ["branding", "color-management", "print-ready"],
    personas: ["vector_first"],
    tags: ["print"],
    summary: "Define brand colours once for web, RGB, CMYK and spot, and test contrast and print builds early.",
    paragraphs: [
      "A brand palette has to survive a phone screen, a laptop in sunlight, a business card and a vinyl banner. Designing for all of them at once saves painful fixes later.",
      "Start from a small set: one primary, one or two accents, and a range of neutrals. Define each colour in several systems, typically hex for the web, an RGB value, a CMYK build for offset print and a spot colour reference where budget allows.",
      "Check contrast early. Body text must meet accessibility contrast ratios against its background, and the accent colour should still be distinct for people with common forms of colour blindness.",
      "Finally, test the CMYK builds on real paper. Bright, saturated screen colours, especially electric blues and neon greens, often fall outside what four-colour printing can reproduce, and it is better to adjust the palette now than to argue with a print proof.",
    ],
  },
  {
    cluster: "guides-print",
    category: "tutorial",
    level: B,
    title: "Print-Ready Export: Bleed, Trim and Safe Zones",
    topics: ["print-ready", "export", "getting-started"],
    personas: ["vector_first"],
    tags: ["print", "starter"],
    summary: "Set up trim, bleed and safe zones and export a PDF your printer can run without calling you.",
    paragraphs: [
      "A print-ready file is one the printer can run without calling you. Three terms matter most: trim, bleed and safe zone.",
      "Trim is the final size of the piece after cutting. Bleed is extra artwork, usually 3 millimetres or one eighth of an inch, that extends beyond the trim so no white slivers appear if the cut is slightly off. The safe zone is a margin inside the trim where all text and important elements should stay.",
      "Set up your document at trim size with bleed added from the start, extend background images and colour blocks into the bleed, and keep text at least 3 to 5 millimetres inside the trim.",
      "Export a PDF/X file with crop marks and bleed included, fonts embedded and images at 300 pixels per inch at final size. Check the printer's specification sheet first: their requirements always win.",
    ],
  },
  {
    cluster: "guides-print",
    category: "guide",
    level: I,
    title: "CMYK Conversion Without Muddy Colors",
    topics: ["print-ready", "color-management", "cmyk"],
    personas: ["vector_first", "photo_first"],
    tags: ["print"],
    summary: "Convert with the printer's profile, handle blacks and ink limits, and know when to use a spot colour.",
    paragraphs: [
      "Screens mix light in RGB; presses mix ink in CMYK, and ink simply cannot reach some of the colours a screen can show. Converting carelessly is why bright designs come back from the printer looking dull.",
      "Ask your printer which profile they use, such as a coated FOGRA or GRACoL profile, and convert with that exact profile rather than a generic one. Use soft proofing to preview the change before it is permanent.",
      "Watch rich blacks and total ink limits. Large black areas look better with a rich black build, but small text should be pure black only, or slight misregistration will make it fuzzy. Keep total ink coverage within the printer's limit, often around 300 percent.",
      "For brand colours that must match exactly, specify a spot colour instead of relying on a CMYK approximation.",
    ],
  },
  {
    cluster: "guides-print",
    category: "tutorial",
    level: P,
    title: "Preparing Large-Format Prints and Posters",
    topics: ["print-ready", "large-format", "export"],
    personas: ["photo_first"],
    tags: ["print"],
    summary: "Resolution by viewing distance, upscaling, banding control and test strips for big prints.",
    paragraphs: [
      "Large prints expose every weakness in a file. A poster viewed from one metre does not need 300 pixels per inch, but it does need clean edges, smooth gradients and accurate colour.",
      "Work out the required resolution from the viewing distance. For a poster seen from arm's length, 150 to 200 pixels per inch at final size is usually enough; a billboard can be printed at 20. Upscale carefully with a detail-preserving algorithm, and add a little fine grain to hide banding in skies and gradients.",
      "Keep vector elements as vectors: logos and type stay sharp at any size. Ask the print shop for their ICC profile and soft proof with it, especially on canvas or matte papers that soften contrast.",
      "Order a test strip of the most critical area before committing to the full print. It costs little and catches colour and sharpness problems early.",
    ],
  },
  {
    cluster: "guides-print",
    category: "tutorial",
    level: I,
    title: "Exporting Vector Files for Print Shops and Cutting Machines",
    topics: ["print-ready", "vector-art", "export"],
    personas: ["vector_first"],
    tags: ["print"],
    summary: "Outline text, expand strokes and prepare cut lines so presses, cutters and engravers read your files correctly.",
    paragraphs: [
      "Vector files go to many machines: offset presses, vinyl cutters, laser engravers and embroidery software. Each has its own expectations, but a few habits cover most of them.",
      "Outline all text, or package the fonts, so nothing reflows on another computer. Expand strokes that must keep their thickness when scaled, and remove hidden or stray points left over from editing.",
      "For cutting machines, the cut line must be a single, closed path with no fill, often in a specific spot colour named CutContour. Keep it on its own layer. For engraving, check whether the machine reads strokes or fills, and set line weights to the hairline value in the specification.",
      "Export to the format requested, usually PDF, EPS, SVG or DXF, and open the exported file once more to confirm that nothing changed on the way out.",
    ],
  },
  {
    cluster: "guides-marketing",
    category: "guide",
    level: I,
    title: "Conversion-Rate Optimisation for Creators: Product Pages That Sell",
    topics: ["conversion", "marketing", "business"],
    personas: ["photo_first", "vector_first"],
    summary: "Previews, proof and clear license information on product pages, and how to test changes properly.",
    paragraphs: [
      "Conversion-rate optimisation sounds like a job for large retailers, but small creative shops often gain the most from it because each visitor is precious.",
      "Start with the product page. Lead with a large, honest preview showing the asset in use, not just a grid of thumbnails. Say in one sentence who the product is for and what it helps them make. List the file formats, software compatibility and license terms near the price so buyers do not leave to look for them.",
      "Add proof: reviews, example projects from customers, or a free sample. Reduce choice where possible; three clear tiers convert better than nine variations.",
      "Then measure. Track the share of product views that become add-to-cart and purchases, change one element at a time, and let each test run for at least two full weeks so weekday patterns even out.",
    ],
  },
  {
    cluster: "guides-marketing",
    category: "guide",
    level: I,
    title: "Pricing Digital Products: Bundles, Tiers and Discounts",
    topics: ["pricing", "bundles", "business"],
    personas: ["photo_first", "vector_first"],
    summary: "Value-based prices, license tiers, bundle maths and why permanent sales backfire.",
    paragraphs: [
      "Digital products cost almost nothing to copy, which makes pricing feel arbitrary. Anchor it instead in the value to the buyer: hours saved, projects enabled, or revenue earned.",
      "Tiered pricing works well for creative assets. Offer a personal license, a commercial license and an extended license at clearly different prices, and describe each in plain language.",
      "Bundles increase the average order value and help new customers start. Combine complementary items, such as icons with a matching UI kit, and price the bundle at roughly 40 to 60 percent of the separate prices. Keep a few flagship items outside bundles so they retain their value.",
      "Use discounts sparingly. Permanent sales train customers to wait. Time-limited events such as a launch week or Black Friday work better, especially when you give existing customers early access.",
    ],
  },
  {
    cluster: "guides-marketing",
    category: "guide",
    level: B,
    title: "Email Marketing for Creative Shops",
    topics: ["email-marketing", "marketing", "business"],
    personas: ["photo_first", "vector_first"],
    tags: ["starter"],
    summary: "Grow a consent-based list, write a welcome sequence and measure what actually matters.",
    paragraphs: [
      "Your email list is the one marketing channel you own. Social platforms change their algorithms; a subscriber who asked to hear from you stays reachable.",
      "Grow the list with a genuine incentive, such as a free sample pack or a short tutorial, and always ask for explicit consent. In many countries, including the EU member states and Canada, marketing email without consent is illegal, and it damages deliverability everywhere.",
      "Send a short welcome sequence of three or four emails that introduces your work, shows how customers use it and ends with a gentle offer. After that, a regular newsletter every two to four weeks is enough for most shops.",
      "Measure clicks and purchases rather than opens, which privacy features now make unreliable, and remove subscribers who have not engaged for six months.",
    ],
  },
  {
    cluster: "guides-marketing",
    category: "guide",
    level: I,
    title: "Preparing Your Shop for Black Friday",
    topics: ["marketing", "sale", "business"],
    personas: ["photo_first", "vector_first"],
    seasons: ["black_friday"],
    isNew: true,
    summary: "Choose one clear offer, update the storefront early and warm up your list before the rush.",
    paragraphs: [
      "Black Friday and Cyber Monday can bring a month of revenue in four days, but only for shops that prepare in October.",
      "Decide your offer early. A clear site-wide discount or a limited-edition bundle is easier to communicate than a dozen different deals. Build the bundle around your best sellers and add one new item to give returning customers a reason to buy.",
      "Update your storefront before the rush: a banner with the end date, a dedicated sale page and product pages that show the discounted price clearly. Test checkout on a phone, since most sale traffic is mobile.",
      "Warm up your email list with a preview a week before, and give subscribers early access. During the sale, watch inventory on physical goods closely, and remove sold-out items from promotions quickly so visitors do not land on dead ends.",
    ],
  },
  {
    cluster: "guides-licensing",
    category: "guide",
    level: B,
    title: "Stock Licensing Explained: Standard vs Extended",
    topics: ["licensing", "stock-photos", "getting-started"],
    personas: ["photo_first", "vector_first"],
    tags: ["starter"],
    summary: "What a standard license covers, when you need an extended one and the other terms worth checking.",
    paragraphs: [
      "When you buy a stock photo, icon set or font, you are buying a license to use it under certain conditions, not the artwork itself. Reading those conditions takes two minutes and prevents expensive surprises.",
      "A standard license typically covers websites, social media, presentations, advertising and printed materials up to a set print run. It usually excludes using the asset as the main value of a product you sell, such as a T-shirt, a mug or a template.",
      "An extended license adds those merchandise and resale uses, and often unlimited print runs. If you plan to sell anything where the asset is the main attraction, you need it.",
      "Other rules to check: whether the license is per seat or per company, whether clients may receive the source file, and whether photos of people are cleared for sensitive topics.",
    ],
  },
  {
    cluster: "guides-licensing",
    category: "guide",
    level: I,
    title: "Using Fonts Commercially: Desktop, Web and App Licenses",
    topics: ["licensing", "fonts", "typography"],
    personas: ["vector_first"],
    summary: "How desktop, web, app and broadcast font licenses differ, and the special case of logos.",
    paragraphs: [
      "Fonts are software, and their licenses depend on how the font file is used, not just on what you design with it.",
      "A desktop license lets you install the font and use it to create static artwork: logos, printed materials, images for social media. Embedding the font in a website requires a web license, usually priced by monthly page views. Shipping it inside a mobile app or a game needs an app license, and broadcast, film or e-book use may each need their own.",
      "Logos are a special case. Most desktop licenses allow logo use, but some display foundries restrict trademark registration. Check before a client invests in a new identity.",
      "Keep a simple register of the fonts each project uses and where the licenses are stored. When a client asks for the source files, you will know what they need to buy themselves.",
    ],
  },
  {
    cluster: "guides-licensing",
    category: "guide",
    level: I,
    title: "Model and Property Releases for Photographers",
    topics: ["licensing", "stock-photos", "people"],
    personas: ["photo_first"],
    jurisdictions: ["US", "CA"],
    summary: "When you need model and property releases in the US and Canada, and what a good release contains.",
    paragraphs: [
      "If a recognisable person appears in a photo used commercially, you need their signed permission: a model release. This guide covers common practice in the United States and Canada; other countries have different privacy and image rights.",
      "A model release should name the photographer and the model, describe the shoot, state the permitted uses, and be signed and dated. For minors, a parent or guardian signs. Keep the release with the image files and your shoot notes.",
      "Property releases cover private buildings, artworks and sometimes pets or distinctive objects. Public landmarks can usually be photographed, but some famous buildings have trademarked designs or lighting.",
      "Editorial use, such as news and commentary, generally does not require releases, but advertising and stock photography sold for commercial use do. When in doubt, get the signature: it is far easier on the day than months later.",
    ],
  },
  {
    cluster: "guides-hardware",
    category: "tutorial",
    level: B,
    title: "Pen Tablet Setup: Drivers, Pressure Curves and Shortcuts",
    topics: ["drawing-tablets", "hardware", "getting-started"],
    personas: ["vector_first"],
    tags: ["starter"],
    summary: "Install the driver, map the active area, tune pressure and assign shortcuts so the tablet disappears.",
    paragraphs: [
      "A new pen tablet can feel awkward for a week. Good setup shortens that to a day.",
      "Install the manufacturer's latest driver before plugging the tablet in, and remove drivers from any older tablets. Then map the active area to your monitor so the proportions match; if the tablet is wider or taller than the screen, your circles will come out as ovals.",
      "Adjust the pressure curve next. Draw a few strokes in your painting app from light to heavy. If you have to press hard to get full opacity, soften the curve; if every stroke is thick, firm it up.",
      "Finally, assign shortcuts you use constantly, such as undo, brush size and the hand tool, to the express keys and the pen's side buttons. Keep the tablet straight in front of you and rest your hand on it: the goal is to forget it is there.",
    ],
  },
  {
    cluster: "guides-hardware",
    category: "guide",
    level: B,
    title: "Choosing Your First Drawing Tablet",
    topics: ["drawing-tablets", "hardware", "getting-started"],
    personas: ["vector_first", "photo_first"],
    tags: ["starter"],
    summary: "Screenless tablet or pen display, which size to buy and which specs actually matter.",
    paragraphs: [
      "The first choice is between a screenless pen tablet and a pen display. A screenless tablet is cheaper and easier on your posture, but you draw on the desk while looking at the monitor, which takes a few days to learn. A pen display lets you draw directly on the image and feels natural at once, at two to four times the price.",
      "For a beginner, a medium screenless tablet is usually the best value. Small tablets are portable but cramp your arm movements; large ones need a large desk.",
      "Look at pressure levels less than reviews suggest: everything above a few thousand levels feels similar. Tilt support, a comfortable pen, a matte drawing surface and reliable drivers matter more.",
      "If you mostly edit photos, a small tablet is plenty. If you plan to illustrate for hours, invest in a good pen and a stand.",
    ],
  },
  {
    cluster: "guides-hardware",
    category: "guide",
    level: I,
    title: "Setting Up a Small Home Studio with Continuous Lights",
    topics: ["lighting", "studio", "hardware"],
    personas: ["photo_first"],
    summary: "A two-light setup, high-CRI LEDs and simple ways to control spill in a small room.",
    paragraphs: [
      "Continuous lights are the easiest way into studio photography and video, because what you see is what the camera records.",
      "Start with two lights. Place the key light at about forty-five degrees to the subject and slightly above eye level, with a softbox or diffusion panel to soften shadows. Use the second light as a fill on the opposite side at lower power, or behind the subject to separate them from the background.",
      "Choose LED panels with a high colour rendering index, ideally above 95, so skin tones and products render accurately. Bi-colour panels let you match daylight from a window or warm room light.",
      "Control the space as much as the lights. Black foam boards absorb spill, white boards bounce it, and a plain backdrop on a stand hides a busy room. Keep cables taped down and sandbags on light stands.",
    ],
  },
  {
    cluster: "guides-hardware",
    category: "guide",
    level: P,
    title: "Pen Display vs Screenless Tablet for Professional Work",
    topics: ["drawing-tablets", "monitors", "hardware"],
    personas: ["vector_first", "photo_first"],
    tags: ["4k"],
    summary: "How workflow, ergonomics and colour accuracy decide between a pen display and a screenless tablet.",
    paragraphs: [
      "For professional illustrators and retouchers the question is not price but workflow, comfort and colour.",
      "Large pen displays give direct hand-eye coordination and are fastest for inking, painting and detailed masking. The best models now offer 4K resolution, wide colour gamut and factory calibration, but they push you to lean forward over the desk, which matters across a forty-hour week. A good arm or adjustable stand is not optional.",
      "Screenless tablets keep your head up and your eyes on a separate calibrated reference monitor, which many retouchers prefer for colour-critical work. They are also lighter, quieter and cheaper to replace.",
      "Many studios end up with both: a pen display for drawing-heavy projects and a screenless tablet beside the reference monitor for photo work. Whatever you choose, budget for ergonomics as seriously as for the hardware.",
    ],
  },
];

/** The demo catalog: p001..p200 products then c101..c130 content, freshly built on every call. */
export function demoCatalog(): Item[] {
  const anchorMs = Date.parse(DEMO_ANCHOR_DATE);
  const items: Item[] = [];
  let productNumber = 0;
  for (const group of productClusters) {
    for (const seed of group.products) {
      productNumber += 1;
      items.push(buildProduct(`p${String(productNumber).padStart(3, "0")}`, group, seed, anchorMs));
    }
  }
  contentSeeds.forEach((seed, index) => {
    items.push(buildContent(`c${101 + index}`, seed, anchorMs));
  });
  return items;
}

function buildProduct(id: string, group: ProductCluster, seed: ProductSeed, anchorMs: number): Item {
  // Each item draws from its own stream keyed by id, so editing one entry never reshuffles the others' numbers.
  const rng = createRng(seedFromString(`${DEMO_SEED}:${id}`));
  const slug = slugify(seed.title);
  const physical = seed.physical ?? group.physical;
  const tags = unique<string>([
    ...(group.tags ?? []),
    ...(seed.tags ?? []),
    ...(group.category === "pro_gear" && seed.level === "pro" ? ["high_end"] : []),
    ...(seed.isNew ? ["new"] : []),
  ]);
  const bestSeller = tags.includes("best_seller");
  const seasons = seed.seasons ?? [];

  return {
    id,
    kind: "product",
    title: seed.title,
    url: `/products/${slug}`,
    image: `/img/${slug}.jpg`,
    category: group.category,
    cluster: group.cluster,
    topics: unique([...group.topics, ...(seed.topics ?? [])]),
    tags,
    skill_level: seed.level,
    price: seed.price,
    currency: "USD",
    // Hardware is low-margin resale; digital goods and courses keep most of the price.
    margin: round(physical ? rng.float(0.12, 0.32) : rng.float(0.55, 0.8), 2),
    inventory: physical ? (seed.stock ?? (seed.price >= 1000 ? rng.int(3, 30) : rng.int(12, 160))) : null,
    trend: trendFor(rng, seed.isNew === true, bestSeller, seasons),
    popularity: popularityFor(rng, bestSeller, group.popularity),
    seasonal_tags: [...seasons],
    published_at: publishedAt(rng, anchorMs, seed.isNew === true, bestSeller),
    jurisdictions: [...(seed.jurisdictions ?? [])],
    policy_flags: [...(seed.flags ?? [])],
    devices: [...(seed.devices ?? [])],
    personas: audienceFor(seed.level, [...group.personas, ...(seed.personas ?? [])]),
    summary: seed.summary,
    body: "",
  };
}

function buildContent(id: string, seed: ContentSeed, anchorMs: number): Item {
  const rng = createRng(seedFromString(`${DEMO_SEED}:${id}`));
  const slug = slugify(seed.title);
  const tags = unique<string>([...(seed.tags ?? []), ...(seed.isNew ? ["new"] : [])]);
  const seasons = seed.seasons ?? [];
  return {
    id,
    kind: "content",
    title: seed.title,
    url: `/guides/${slug}`,
    image: `/img/${slug}.jpg`,
    category: seed.category,
    cluster: seed.cluster,
    topics: [...seed.topics],
    tags,
    skill_level: seed.level,
    price: 0,
    currency: "USD",
    margin: 0,
    inventory: null,
    trend: trendFor(rng, seed.isNew === true, false, seasons),
    popularity: popularityFor(rng, false, undefined),
    seasonal_tags: [...seasons],
    published_at: publishedAt(rng, anchorMs, seed.isNew === true, false),
    jurisdictions: [...(seed.jurisdictions ?? [])],
    policy_flags: [],
    devices: [],
    personas: audienceFor(seed.level, seed.personas),
    summary: seed.summary,
    body: seed.paragraphs.join("\n\n"),
  };
}

/** Skill level implies an audience: beginners are novice shoppers, pro items target pro shoppers. */
function audienceFor(level: SkillLevel, base: readonly Persona[]): Persona[] {
  const byLevel: Persona[] = level === "beginner" ? ["novice_shopper"] : level === "pro" ? ["shopper_pro"] : [];
  return unique([...base, ...byLevel]);
}

// The anchor is 1 November, so autumn and the run-up to Black Friday and the holidays are "in season".
const inSeasonAtAnchor: ReadonlySet<SeasonalTag> = new Set<SeasonalTag>(["autumn", "black_friday", "holiday"]);

function trendFor(rng: Rng, isNew: boolean, bestSeller: boolean, seasons: readonly SeasonalTag[]): number {
  if (isNew) return round(rng.float(0.55, 0.95), 3);
  if (seasons.some((season) => inSeasonAtAnchor.has(season))) return round(rng.float(0.45, 0.85), 3);
  if (bestSeller) return round(rng.float(0.35, 0.75), 3);
  return round(0.05 + 0.5 * rng.next() ** 1.3, 3);
}

function popularityFor(rng: Rng, bestSeller: boolean, clusterRange: readonly [number, number] | undefined): number {
  if (bestSeller) return round(rng.float(0.82, 0.97), 3);
  if (clusterRange) return round(rng.float(clusterRange[0], clusterRange[1]), 3);
  // A long tail: most items are modest, a few are strong.
  return round(0.08 + 0.62 * rng.next() ** 1.6, 3);
}

function publishedAt(rng: Rng, anchorMs: number, isNew: boolean, bestSeller: boolean): string {
  // Best sellers have had time to sell; launches sit inside the "new" window.
  const days = isNew ? rng.int(1, NEW_WINDOW_DAYS) : bestSeller ? rng.int(120, MAX_AGE_DAYS) : rng.int(NEW_WINDOW_DAYS + 1, MAX_AGE_DAYS);
  const hours = rng.int(0, 23);
  return new Date(anchorMs - days * DAY_MS - hours * HOUR_MS).toISOString().replace(".000Z", "Z");
}

export function slugify(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/'/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
