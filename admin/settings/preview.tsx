/**
 * A live preview of the launcher, greeting and start window with the
 * visitors' own stylesheets (loader.css, widget.css, enqueued by
 * Settings_Page): the same classes, so what the admin sees is what visitors
 * get. The fixed positions of the real thing are pinned inside the preview
 * box (settings.scss). It is a picture: nothing in it can be submitted.
 */
import { __ } from '@wordpress/i18n';
import type { Appearance, LanguageTexts } from './types';

/** The text colour the loader picks for the accent (client/loader/launcher.ts), for contrast. */
function onAccent( hex: string ): string {
	const channel = ( i: number ) => {
		const c = parseInt( hex.slice( i, i + 2 ), 16 ) / 255;
		return c <= 0.03928 ? c / 12.92 : ( ( c + 0.055 ) / 1.055 ) ** 2.4;
	};
	const l = 0.2126 * channel( 1 ) + 0.7152 * channel( 3 ) + 0.0722 * channel( 5 ) + 0.05;
	return 1.05 / l >= l / 0.0552 ? '#fff' : '#111';
}

export function ChatPreview( { appearance, texts }: { appearance: Appearance; texts: LanguageTexts } ) {
	const accent = /^#[0-9a-f]{6}$/i.test( appearance.accent ) ? appearance.accent : '#1d4ed8';
	const left = appearance.position === 'left';
	const style = { '--cc-accent': accent, '--cc-on-accent': onAccent( accent ) } as React.CSSProperties;
	return (
		<figure className="consent-chat-settings__preview" aria-label={ __( 'Preview', 'consent-chat' ) }>
			<figcaption>{ __( 'Preview', 'consent-chat' ) }</figcaption>
			<div className="consent-chat-settings__stage" style={ style } aria-hidden="true">
				<div className={ `cc-window${ left ? ' cc-window--left' : '' }` } role="presentation">
					<div className="cc-header">
						<h2 className="cc-title">{ __( 'Chat with us', 'consent-chat' ) }</h2>
						<span className="cc-close">×</span>
					</div>
					<div className="cc-body">
						{ texts.home ? (
							<div className="cc-home">
								<div className="cc-md cc-welcome">{ texts.home.welcome }</div>
								<ul className="cc-suggestions">
									{ texts.home.suggestions.map( ( s, i ) => (
										<li key={ i }>
											<span className="cc-chip">{ s }</span>
										</li>
									) ) }
								</ul>
							</div>
						) : (
							<div className="cc-start">
								{ texts.consent && (
									<div className="cc-field cc-check">
										<input type="checkbox" className="cc-check__box" readOnly tabIndex={ -1 } />
										<span className="cc-check__label">{ texts.consent }</span>
									</div>
								) }
								{ texts.privacy.mode !== 'none' && (
									<p className="cc-privacy-line">
										<span className="cc-privacy">
											<span className="cc-para">§</span> { __( 'Privacy information', 'consent-chat' ) }
										</span>
									</p>
								) }
								<span className="cc-button">{ __( 'Start chat', 'consent-chat' ) }</span>
							</div>
						) }
					</div>
				</div>
				{ texts.greeting?.text && (
					<div className={ `cc-greeting${ left ? ' cc-greeting--left' : '' }` }>
						<p className="cc-greeting__text">{ texts.greeting.text }</p>
					</div>
				) }
				<span className={ `cc-launcher${ left ? ' cc-launcher--left' : '' }` }>
					<span className="cc-launcher__icon" />
					{ __( 'Chat with us', 'consent-chat' ) }
				</span>
			</div>
		</figure>
	);
}
