/**
 * @wordpress/scripts' config, extended: the blocks come from `blocks/` (see
 * the `build:wp` script's --webpack-src-dir), plus the agent console, the
 * visitor's loader and widget, and the "delete my chat" form. The client
 * bundles import no WordPress script handles: the widget is fetched by the
 * loader on demand, outside WordPress's dependency system.
 */
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

module.exports = {
	...defaultConfig,
	entry: () => ( {
		...defaultConfig.entry(),
		'admin/console': './admin/console/index.tsx',
		'admin/settings': './admin/settings/index.tsx',
		'admin/stats': './admin/stats/index.tsx',
		'client/loader': './client/loader/index.ts',
		'client/widget': './client/widget/index.ts',
		'client/delete-form': './client/delete-form/index.ts',
		'client/consent': './client/consent/index.ts',
		'client/tracking': './client/tracking/index.ts',
	} ),
};
