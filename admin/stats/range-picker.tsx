/**
 * The period: a preset (applied at once) or two dates (applied with the
 * button or Enter). Native date fields: keyboard-usable and read out by
 * screen readers in the user's own format.
 */
import { Button, SelectControl, TextControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { shiftDay } from './site-clock';
import type { Range } from './use-stats';

const PRESETS = [ 7, 30, 90, 365 ];

interface Props {
	range: Range;
	today: string;
	onChange: ( range: Range ) => void;
}

export const lastDays = ( today: string, days: number ): Range => ( { from: shiftDay( today, days - 1 ), to: today } );

export function RangePicker( { range, today, onChange }: Props ): JSX.Element {
	const [ from, setFrom ] = useState( range.from );
	const [ to, setTo ] = useState( range.to );
	useEffect( () => {
		setFrom( range.from );
		setTo( range.to );
	}, [ range.from, range.to ] );

	const preset = PRESETS.find( ( n ) => range.to === today && range.from === lastDays( today, n ).from );
	const options = [
		...PRESETS.map( ( n ) => ( {
			value: String( n ),
			/* translators: %d: number of days. */
			label: sprintf( _n( 'Last %d day', 'Last %d days', n, 'consent-chat' ), n ),
		} ) ),
		{ value: 'custom', label: __( 'Custom dates', 'consent-chat' ) },
	];

	return (
		<form
			className="consent-chat-stats__range"
			// The server says what is wrong with a range (in words, translated); the browser's own check would block it silently.
			noValidate
			onSubmit={ ( e ) => {
				e.preventDefault();
				onChange( { from, to } );
			} }
		>
			<SelectControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				label={ __( 'Period', 'consent-chat' ) }
				value={ preset ? String( preset ) : 'custom' }
				options={ options }
				onChange={ ( value: string ) => {
					if ( value !== 'custom' ) onChange( lastDays( today, Number( value ) ) );
				} }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				type="date"
				label={ __( 'From', 'consent-chat' ) }
				value={ from }
				max={ to }
				onChange={ setFrom }
			/>
			<TextControl
				__next40pxDefaultSize
				__nextHasNoMarginBottom
				type="date"
				label={ __( 'To', 'consent-chat' ) }
				value={ to }
				min={ from }
				onChange={ setTo }
			/>
			<Button __next40pxDefaultSize variant="secondary" type="submit" disabled={ from === range.from && to === range.to } accessibleWhenDisabled>
				{ __( 'Show', 'consent-chat' ) }
			</Button>
		</form>
	);
}
