/** The block editor for the Chat block's e2e tests: a draft page to edit, and the editor once it is ready. */
import { expect, type FrameLocator, type Page } from '@playwright/test';
import type { Rest } from './rest';

/**
 * An empty draft page, with the user's editor preferences stored first (the
 * editor reads them once, as it boots): no welcome guide, no pattern chooser
 * (it would open whenever the theme's patterns arrive, at no predictable
 * moment), no pre-publish checks. Returns the page's id.
 */
export async function draftPageForEditor( rest: Rest, title: string ): Promise< number > {
	const prefs = await rest.post( '/wp/v2/users/me', {
		meta: {
			persisted_preferences: {
				core: { enableChoosePatternModal: false, isPublishSidebarEnabled: false },
				'core/edit-post': { welcomeGuide: false },
				_modified: new Date().toISOString(),
			},
		},
	} );
	expect( prefs.status() ).toBe( 200 );
	const res = await rest.post( '/wp/v2/pages', { title, status: 'draft', content: '' } );
	expect( res.status() ).toBe( 201 );
	return ( ( await res.json() ) as { id: number } ).id;
}

/** Waits until the editor and the Chat block type are loaded; the canvas to write in. */
export async function editorCanvas( page: Page ): Promise< FrameLocator > {
	await page.waitForFunction( () => {
		const wp = ( window as unknown as { wp?: { data?: { select: ( s: string ) => unknown }; blocks?: { getBlockType: ( n: string ) => unknown } } } ).wp;
		return !! wp?.data?.select( 'core/editor' ) && !! wp.blocks?.getBlockType( 'consent-chat/chat' );
	} );
	return page.frameLocator( 'iframe[name="editor-canvas"]' );
}
