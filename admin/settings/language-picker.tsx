/**
 * Which language's texts are being edited; add or remove a language.
 * Texts are kept per WordPress locale (en_US, de_DE, …); visitors get the
 * texts of the page's language, falling back as README describes.
 */
import { Button, SelectControl, TextControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { addLanguage, removeLanguage } from './draft';
import type { Texts } from './types';

const LOCALE = /^[a-z]{2,3}(_[A-Z]{2})?(_[a-z0-9]+)?$/;

interface Props {
	texts: Texts;
	locale: string;
	choices: string[];
	onLocale: ( locale: string ) => void;
	onTexts: ( texts: Texts ) => void;
	/** Refused fields per language, shown in the language list. */
	errorCount: ( locale: string ) => number;
}

export function LanguagePicker( { texts, locale, choices, onLocale, onTexts, errorCount }: Props ) {
	const locales = Object.keys( texts );
	const [ adding, setAdding ] = useState( '' );
	const addable = choices.filter( ( c ) => ! texts[ c ] );
	const invalid = adding !== '' && ! LOCALE.test( adding );

	const add = () => {
		if ( ! LOCALE.test( adding ) ) return;
		onTexts( addLanguage( texts, adding, locale ) );
		onLocale( adding );
		setAdding( '' );
	};

	return (
		<div className="consent-chat-settings__languages">
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Language', 'consent-chat' ) }
				value={ locale }
				options={ locales.map( ( l ) => {
					const n = errorCount( l );
					/* translators: 1: a locale, 2: number of fields to correct. */
					return { label: n ? sprintf( __( '%1$s (%2$d to correct)', 'consent-chat' ), l, n ) : l, value: l };
				} ) }
				onChange={ onLocale }
			/>
			<div className="consent-chat-settings__add-language">
				<TextControl
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ __( 'Add a language (locale)', 'consent-chat' ) }
					help={
						invalid
							? __( 'Use a WordPress locale such as fr_FR.', 'consent-chat' )
							: addable.length
							? sprintf(
									/* translators: %s: list of locales. */
									__( 'Installed on this site: %s. The new language starts as a copy of the current one.', 'consent-chat' ),
									addable.join( ', ' )
							  )
							: __( 'The new language starts as a copy of the current one.', 'consent-chat' )
					}
					placeholder="fr_FR"
					value={ adding }
					onChange={ setAdding }
				/>
				<Button variant="secondary" onClick={ add } disabled={ ! adding || invalid || !! texts[ adding ] } __next40pxDefaultSize>
					{ __( 'Add language', 'consent-chat' ) }
				</Button>
				<Button
					variant="tertiary"
					isDestructive
					disabled={ locales.length < 2 }
					onClick={ () => {
						const next = removeLanguage( texts, locale );
						onTexts( next );
						onLocale( Object.keys( next )[ 0 ] );
					} }
					__next40pxDefaultSize
				>
					{ sprintf(
						/* translators: %s: a locale. */
						__( 'Remove %s', 'consent-chat' ),
						locale
					) }
				</Button>
			</div>
		</div>
	);
}
