/**
 * The selected answer as visitors would see it, drawn by the widget's own
 * code (client/preview/answer.ts), updated as the admin types.
 */
import { useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { renderAnswerPreview } from '../../client/preview/answer';
import type { EditAnswer } from './assistant-draft';

export function AnswerPreview( { answer, locale }: { answer: EditAnswer; locale: string } ) {
	const ref = useRef< HTMLDivElement >( null );
	useEffect( () => {
		if ( ! ref.current ) return;
		ref.current.inert = true;
		renderAnswerPreview( ref.current, {
			who: __( 'Automatic assistant', 'consent-chat' ),
			text: answer.answer,
			options: answer.options.map( ( o ) => o.label ).filter( Boolean ),
			newTab: __( '(opens in a new tab)', 'consent-chat' ),
			lang: locale,
		} );
	}, [ answer, locale ] );
	return (
		<figure className="consent-chat-settings__preview consent-chat-settings__answer-preview">
			<figcaption>{ __( 'Preview of the answer', 'consent-chat' ) }</figcaption>
			<div ref={ ref } className="consent-chat-settings__preview-window" />
		</figure>
	);
}
