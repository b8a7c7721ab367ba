/**
 * WordPress's REST API as a logged-in user, the way wp-admin calls it:
 * the login cookie plus a REST nonce.
 */
import type { APIResponse, Browser, BrowserContext } from '@playwright/test';
import { env, logIn } from './env';

export const ADMIN = { login: 'admin', password: 'password' };

export class Rest {
	private constructor(
		private readonly context: BrowserContext,
		private readonly nonce: string
	) {}

	static async as( browser: Browser, user: { login: string; password: string } = ADMIN ): Promise< Rest > {
		const context = await browser.newContext();
		const page = await context.newPage();
		await logIn( page, user, `${ env.wpUrl }/wp-admin/profile.php` );
		const nonce = await ( await page.request.get( `${ env.wpUrl }/wp-admin/admin-ajax.php?action=rest-nonce` ) ).text();
		return new Rest( context, nonce );
	}

	get( route: string ): Promise< APIResponse > {
		return this.context.request.get( `${ env.wpUrl }/wp-json${ route }`, { headers: { 'X-WP-Nonce': this.nonce } } );
	}

	post( route: string, data: unknown ): Promise< APIResponse > {
		return this.context.request.post( `${ env.wpUrl }/wp-json${ route }`, { headers: { 'X-WP-Nonce': this.nonce }, data } );
	}

	close(): Promise< void > {
		return this.context.close();
	}
}
