CREATE TABLE `erasure_log` (
	`id` text PRIMARY KEY NOT NULL,
	`visitor_hash` text NOT NULL,
	`kind` text NOT NULL,
	`requested_at` text NOT NULL,
	`counts` text NOT NULL,
	`actor` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `erasure_log_visitor_idx` ON `erasure_log` (`visitor_hash`,`requested_at`);--> statement-breakpoint
CREATE TABLE `opt_outs` (
	`visitor_hash` text PRIMARY KEY NOT NULL,
	`opted_out_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `opt_outs_at_idx` ON `opt_outs` (`opted_out_at`,`visitor_hash`);--> statement-breakpoint
CREATE INDEX `campaign_customers_customer_idx` ON `campaign_customers` (`customer_id`);--> statement-breakpoint
CREATE INDEX `campaign_results_customer_idx` ON `campaign_results` (`customer_id`);--> statement-breakpoint
CREATE INDEX `decisions_visitor_idx` ON `decisions` (`visitor_hash`);