/**
 * The Assistant tab's preview of one answer, drawn as the widget draws an
 * answer in the chat: a message whose text goes through the widget's one
 * Markdown path (renderMarkdown: a syntax tree turned into elements and
 * text nodes, never HTML, so `<img onerror>` or `<script>` in an answer
 * shows as text), its options as the widget's chips, styled by the same
 * CSS. Inert, like the other previews: nothing to click, nothing fetched.
 */
import { h } from '../widget/dom';
import { renderMarkdown } from '../widget/markdown';
import '../widget/window.css';
import './preview.css';

export interface AnswerPreview {
	/** Who the message is from, as the widget labels the assistant. */
	who: string;
	/** The answer, as typed (Markdown). */
	text: string;
	options: string[];
	/** The screen-reader hint after a link ("opens in a new tab"). */
	newTab: string;
	/** The page language of the answers (e.g. de_DE). */
	lang: string;
}

/** Draws the answer into `root`, replacing what was there. */
export function renderAnswerPreview( root: HTMLElement, answer: AnswerPreview ): void {
	root.replaceChildren(
		h(
			'div',
			{ className: 'cc-window cc-window--inline', lang: answer.lang.replace( '_', '-' ) },
			h(
				'div',
				{ className: 'cc-body' },
				h(
					'ol',
					{ className: 'cc-log__list' },
					h(
						'li',
						{ className: 'cc-msg cc-msg--agent' },
						h( 'span', { className: 'cc-msg__who' }, answer.who ),
						h( 'div', { className: 'cc-msg__text cc-md' }, renderMarkdown( answer.text, answer.newTab ) )
					)
				),
				answer.options.length ? h( 'div', { className: 'cc-options' }, ...answer.options.map( ( o ) => h( 'button', { type: 'button', className: 'cc-chip' }, o ) ) ) : null
			)
		)
	);
}
