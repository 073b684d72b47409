CREATE TABLE `approved_content` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`tags` text NOT NULL,
	`status` text DEFAULT 'approved' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `campaign_customers` (
	`campaign_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`rfm` text,
	`attributes` text NOT NULL,
	`segment_id` text,
	`arm` text,
	`variant_id` text,
	PRIMARY KEY(`campaign_id`, `customer_id`)
);
--> statement-breakpoint
CREATE INDEX `campaign_customers_segment_idx` ON `campaign_customers` (`campaign_id`,`segment_id`);--> statement-breakpoint
CREATE TABLE `campaign_results` (
	`campaign_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`opened` integer NOT NULL,
	`clicked` integer NOT NULL,
	`converted` integer NOT NULL,
	`imported_at` text NOT NULL,
	PRIMARY KEY(`campaign_id`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `campaign_variants` (
	`id` text PRIMARY KEY NOT NULL,
	`campaign_id` text NOT NULL,
	`segment_id` text NOT NULL,
	`slot` integer NOT NULL,
	`attempt` integer NOT NULL,
	`strategy` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`citations` text NOT NULL,
	`generator` text NOT NULL,
	`status` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `campaign_variants_campaign_idx` ON `campaign_variants` (`campaign_id`,`segment_id`,`slot`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`stage` text NOT NULL,
	`done` integer DEFAULT 0 NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`settings` text NOT NULL,
	`upload_kind` text NOT NULL,
	`customers` integer NOT NULL,
	`rejected_total` integer DEFAULT 0 NOT NULL,
	`rejected_rows` text NOT NULL,
	`generator` text,
	`design` text,
	`usage` text,
	`error` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`scheduled_at` text,
	`lease_until` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`approved_at` text
);
--> statement-breakpoint
CREATE INDEX `campaigns_status_idx` ON `campaigns` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `safety_audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`variant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`segment_id` text NOT NULL,
	`text_sha256` text NOT NULL,
	`decision` text NOT NULL,
	`categories` text NOT NULL,
	`max_severity` integer NOT NULL,
	`reasons` text NOT NULL,
	`screener_version` text NOT NULL,
	`screened_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `safety_audit_variant_idx` ON `safety_audit` (`variant_id`);--> statement-breakpoint
CREATE INDEX `safety_audit_campaign_idx` ON `safety_audit` (`campaign_id`);