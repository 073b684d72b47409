ALTER TABLE `experiments` ADD `bucket_map` text;--> statement-breakpoint
ALTER TABLE `experiments` ADD `eligible_segments` text;--> statement-breakpoint
ALTER TABLE `experiments` ADD `layer_range` text;