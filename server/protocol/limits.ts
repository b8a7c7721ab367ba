/** Limits both sides enforce, so the widget can refuse before sending. */
export const LIMITS = {
	/** Longest message text, in UTF-16 code units (what `maxLength` counts). */
	maxTextLength: 4000,
	/** Largest frame the service accepts (ws `maxPayload`), in bytes. */
	maxFrameBytes: 16 * 1024,
	/** A connection must authenticate within this many milliseconds. */
	helloTimeoutMs: 10_000,
	maxIdLength: 64,
	maxNameLength: 80,
	/** A dialog's answers: how many fields, and how long each. */
	maxFields: 20,
	maxFieldLength: 1000,
	maxOptions: 12,
	maxOptionLength: 100,
	/** A tracked page: its path and title (a `page` frame), its path (a page view). */
	maxPathLength: 500,
	maxTitleLength: 200,
	/** Pages of this visit an agent is shown (the oldest drop off). */
	maxVisitPages: 20,
} as const;

/**
 * WordPress's locale names (`en_US`, `de_DE`, `de_DE_formal`, `pt_BR`): the
 * `start` frame's `lang`. Here so the widget, which must not bundle the
 * frame schemas, sends only what the service accepts.
 */
export const LOCALE_PATTERN = /^[a-z]{2,3}(?:_[A-Z]{2})?(?:_[a-z0-9]+)?$/;

/**
 * How long a site may keep closed chats, in days: the one definition for the
 * service (config.ts, site-policy.ts) and the settings screen. WordPress's
 * copy (includes/class-settings.php, RETENTION_MIN_DAYS/MAX_DAYS) is held
 * equal by tests/unit/retention-bounds.test.ts. At least a day: a stored
 * chat is kept so that the site can follow up on it; a site that wants
 * nothing kept uses the no-storage mode, which writes no message at all.
 */
export const RETENTION_DAYS = { min: 1, max: 3650 } as const;
