// The demo storefront's approved content: what `npm start` and the tests ground campaign emails in. Prices
// match the demo catalog (shared/catalog/demo.ts).
import type { ApprovedContentInput } from "./corpus";

export const DEMO_BRAND_NAME = "Aura Creative Supply";
export const DEMO_SIGN_OFF = "Happy creating,\nThe Aura Creative Supply team";

export const demoCorpus: readonly ApprovedContentInput[] = [
  { id: "c001", kind: "brand", title: "Voice", body: "Friendly, encouraging and practical. We talk to creators as fellow makers, never down to them. Short sentences, plain words.", tags: ["tone"] },
  { id: "c002", kind: "brand", title: "Claims", body: "We never promise results, income or guarantees. We describe what a product contains and what it helps with.", tags: ["policy"] },
  { id: "c003", kind: "brand", title: "Formatting", body: "One idea per email. One clear call to action. Prices always with the currency sign. No ALL CAPS and at most one exclamation mark.", tags: ["style"] },
  { id: "c101", kind: "product", title: "Golden Hour Lightroom Presets", body: "Twelve warm, sun-kissed presets that flatter skin tones and outdoor portraits in one click. The pack costs $19 and is one of our best sellers.", tags: ["photo", "presets", "best seller", "beginner"] },
  { id: "c102", kind: "product", title: "Clean Wedding Presets Collection", body: "Consistent, true-to-skin presets tuned for batch-editing full wedding galleries in Lightroom Classic. The collection costs $59.", tags: ["photo", "presets", "pro", "wedding"] },
  { id: "c103", kind: "product", title: "Complete Photographer's Toolkit", body: "Every preset, LUT and overlay pack we make, plus the wedding workflow course, for $199. It is our most complete collection for working photographers.", tags: ["photo", "bundle", "pro", "premium", "course"] },
  { id: "c104", kind: "product", title: "UI Designer Essentials Bundle", body: "Our best UI kits, icon sets and a design system starter at a bundle price of $99.", tags: ["vector", "ui", "bundle", "value"] },
  { id: "c105", kind: "product", title: "Hand-Drawn Doodle Icons", body: "Sketchy, friendly icons for blogs, newsletters and kids' projects, for $15. A favourite with customers who are just getting started.", tags: ["vector", "icons", "beginner", "popular"] },
  { id: "c106", kind: "product", title: "Beginner's Guide to Lightroom", body: "A free step-by-step guide that takes you from importing your first photo to a finished edit in under an hour.", tags: ["guide", "tutorial", "learn", "beginner", "getting started"] },
  { id: "c107", kind: "product", title: "Vector Illustration Masterclass", body: "A twelve-lesson course on building clean vector illustrations, from sketch to final export, for $49. Customers rate it 4.8 out of 5.", tags: ["course", "vector", "learn", "tutorial", "rated"] },
  { id: "c108", kind: "product", title: "Rounded Friendly Sans Font", body: "A soft, rounded sans for kids' brands, apps and approachable packaging, for $19.", tags: ["font", "type", "popular"] },
  { id: "c109", kind: "product", title: "Pro Drawing Tablet 13", body: "A 13-inch pen display with 8,192 pressure levels and a colour-accurate screen, for $449. Made for professional illustrators.", tags: ["hardware", "tablet", "pro", "premium"] },
  { id: "c110", kind: "product", title: "Film Emulation Presets Vol. 1", body: "Grain, halation and faded blacks modelled on classic 35mm colour negative stocks, for $29. A community favourite.", tags: ["photo", "presets", "film", "popular", "favourite"] },
  { id: "c201", kind: "offer", title: "Welcome back offer", body: "Customers who have not ordered in the last 90 days get 25% off their next order with the code COMEBACK25. The code is valid for 14 days after this email.", tags: ["win back", "welcome back", "return", "code"] },
  { id: "c202", kind: "offer", title: "Bundle savings", body: "Any two bundles together save 15% at checkout, automatically.", tags: ["save", "bundle", "discount", "value"] },
  { id: "c203", kind: "offer", title: "Members early access", body: "Members get early access to new collections 48 hours before everyone else, and 10% off every order.", tags: ["members", "early access", "exclusive", "premium"] },
  { id: "c204", kind: "offer", title: "Weekend flash sale", body: "This weekend only, all preset packs are 30% off. The sale ends Sunday at midnight.", tags: ["limited time", "ends soon", "last chance", "sale", "deadline"] },
  { id: "c205", kind: "offer", title: "Free guide with your first course", body: "Buy any course and get the Beginner's Guide to Lightroom free, plus 20% off a second course.", tags: ["course", "learn", "beginner", "value"] },
];
