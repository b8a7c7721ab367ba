/**
 * The assistant's Markdown in the console, drawn by the widget's one safe
 * Markdown path (client/widget/markdown.ts: a syntax tree turned into
 * elements and text nodes, never parsed as HTML), so the agent sees an
 * answer as the visitor saw it, and `<img onerror>` in an answer as text.
 */
import { useLayoutEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { renderMarkdown } from '../../client/widget/markdown';

export function MarkdownText( { text, className }: { text: string; className: string } ) {
	const ref = useRef< HTMLDivElement >( null );
	useLayoutEffect( () => {
		ref.current?.replaceChildren( renderMarkdown( text, __( '(opens in a new tab)', 'consent-chat' ) ) );
	}, [ text ] );
	return <div ref={ ref } className={ className } />;
}
