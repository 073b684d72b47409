CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`visitor_hash` text NOT NULL,
	`session_id` text,
	`type` text NOT NULL,
	`ts` text NOT NULL,
	`url` text,
	`page_type` text,
	`category` text,
	`product_id` text,
	`query` text,
	`value` real,
	`referrer_class` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_visitor_ts_idx` ON `events` (`visitor_hash`,`ts`);--> statement-breakpoint
CREATE INDEX `events_ts_idx` ON `events` (`ts`);--> statement-breakpoint
CREATE TABLE `items` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`url` text NOT NULL,
	`image` text,
	`category` text NOT NULL,
	`cluster` text NOT NULL,
	`topics` text DEFAULT '[]' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`skill_level` text NOT NULL,
	`price` real NOT NULL,
	`currency` text DEFAULT 'USD' NOT NULL,
	`margin` real NOT NULL,
	`inventory` integer,
	`trend` real NOT NULL,
	`popularity` real NOT NULL,
	`seasonal_tags` text DEFAULT '[]' NOT NULL,
	`published_at` text NOT NULL,
	`jurisdictions` text DEFAULT '[]' NOT NULL,
	`policy_flags` text DEFAULT '[]' NOT NULL,
	`devices` text DEFAULT '[]' NOT NULL,
	`personas` text DEFAULT '[]' NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`body` text DEFAULT '' NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `items_kind_idx` ON `items` (`kind`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rejected_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`queue` text NOT NULL,
	`reason` text NOT NULL,
	`body` text NOT NULL,
	`rejected_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `segment_assignments` (
	`visitor_hash` text PRIMARY KEY NOT NULL,
	`segment_id` text NOT NULL,
	`persona` text NOT NULL,
	`confidence` real NOT NULL,
	`intent` text NOT NULL,
	`device_class` text NOT NULL,
	`recency` text NOT NULL,
	`assigned_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segment_assignments_segment_idx` ON `segment_assignments` (`segment_id`);