CREATE TABLE `decisions` (
	`request_id` text PRIMARY KEY NOT NULL,
	`visitor_hash` text NOT NULL,
	`surface_id` text NOT NULL,
	`segment_id` text,
	`experiment_id` text,
	`bandit_segment` text,
	`arm` text,
	`propensity` real NOT NULL,
	`holdout` integer DEFAULT false NOT NULL,
	`items` text NOT NULL,
	`policy_version` text NOT NULL,
	`decided_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `decisions_experiment_idx` ON `decisions` (`experiment_id`,`segment_id`,`arm`);--> statement-breakpoint
CREATE INDEX `decisions_decided_at_idx` ON `decisions` (`decided_at`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`surface_id` text NOT NULL,
	`variants` text NOT NULL,
	`allocation` text NOT NULL,
	`holdout` real DEFAULT 0 NOT NULL,
	`layer` text,
	`metric` text DEFAULT 'click' NOT NULL,
	`guardrails` text DEFAULT '[]' NOT NULL,
	`segmented` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`shards` integer DEFAULT 4 NOT NULL,
	`retired_arms` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `experiments_surface_idx` ON `experiments` (`surface_id`,`status`);--> statement-breakpoint
CREATE TABLE `feedback` (
	`id` text PRIMARY KEY NOT NULL,
	`dedupe_key` text NOT NULL,
	`request_id` text NOT NULL,
	`item_id` text NOT NULL,
	`reward_type` text NOT NULL,
	`value` real NOT NULL,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`experiment_id` text,
	`segment_id` text,
	`arm` text,
	`context` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_dedupe_key_unique` ON `feedback` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `feedback_request_idx` ON `feedback` (`request_id`);--> statement-breakpoint
CREATE INDEX `feedback_status_idx` ON `feedback` (`status`);--> statement-breakpoint
CREATE TABLE `reward_ledger` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`request_id` text NOT NULL,
	`experiment_id` text NOT NULL,
	`segment_id` text NOT NULL,
	`arm` text NOT NULL,
	`batch_id` text,
	`applied` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reward_ledger_batch_idx` ON `reward_ledger` (`batch_id`);--> statement-breakpoint
CREATE INDEX `reward_ledger_pending_idx` ON `reward_ledger` (`applied`,`batch_id`);