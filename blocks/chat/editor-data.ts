/**
 * What PHP hands the block editor (ConsentChat\Block_Editor::data, an inline
 * script before this bundle): the site's chat configuration in the site's
 * language, its departments, and whether the site-wide launcher is on.
 */
import type { FrontendConfig } from '../../client/contract';

export interface Department {
	id: string;
	name: string;
}

export interface BlockEditorData {
	/** A block with default attributes, as visitors of this site get it. */
	config: FrontendConfig;
	/** Empty: the site has no list (option consent_chat_departments), the sidebar offers a text field. */
	departments: Department[];
	sitewide: boolean;
}

declare global {
	interface Window {
		consentChatBlockEditor?: BlockEditorData;
	}
}

/** Null where the data is missing (the preview then says so instead of guessing). */
export function editorData(): BlockEditorData | null {
	const data = window.consentChatBlockEditor;
	return data && typeof data === 'object' && data.config?.strings ? data : null;
}
