/** Where global-setup started things, and the demo accounts (see scripts/stack.mjs). */
import type { Page } from '@playwright/test';

export const env = {
	wpUrl: process.env.CC_WP_URL!,
	demoUrl: process.env.CC_DEMO_URL!,
	consoleUrl: process.env.CC_CONSOLE_URL!,
	serviceUrl: process.env.CC_SERVICE_URL!,
	servicePort: new URL( process.env.CC_SERVICE_URL ?? 'http://x:1' ).port,
};

export const AGENT = { login: 'agent', password: 'agent-demo-password', name: 'Alex Agent' };

/**
 * Logs in through the real wp-login.php form. Done once the redirect's
 * document has arrived (its images and scripts are not what a login waits for).
 */
export async function logIn( page: Page, user: { login: string; password: string }, redirect: string ): Promise< void > {
	// On the site the redirect is on: the test stack's, or another one a test started itself.
	await page.goto( `${ new URL( redirect ).origin }/wp-login.php?redirect_to=${ encodeURIComponent( redirect ) }` );
	await page.fill( '#user_login', user.login );
	await page.fill( '#user_pass', user.password );
	const arrived = page.waitForURL( ( u ) => ! u.pathname.endsWith( 'wp-login.php' ), { waitUntil: 'domcontentloaded' } );
	await page.click( '#wp-submit', { noWaitAfter: true } );
	await arrived;
}
