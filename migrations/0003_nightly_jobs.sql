CREATE TABLE `customer_segments` (
	`visitor_hash` text PRIMARY KEY NOT NULL,
	`segment_id` text NOT NULL,
	`rfm_segment` text,
	`model_version` text NOT NULL,
	`assigned_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_segments_segment_idx` ON `customer_segments` (`segment_id`);--> statement-breakpoint
CREATE TABLE `job_runs` (
	`job` text NOT NULL,
	`run_key` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`duration_ms` integer,
	`outcome` text,
	`cursor` text,
	`error` text,
	PRIMARY KEY(`job`, `run_key`)
);
--> statement-breakpoint
CREATE INDEX `job_runs_started_idx` ON `job_runs` (`job`,`started_at`);--> statement-breakpoint
CREATE TABLE `model_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`params` text NOT NULL,
	`metrics` text NOT NULL,
	`trained_on` text NOT NULL,
	`created_at` text NOT NULL,
	`activated_at` text
);
--> statement-breakpoint
CREATE INDEX `model_versions_kind_idx` ON `model_versions` (`kind`,`status`);--> statement-breakpoint
ALTER TABLE `decisions` ADD `top_score` real;