/**
 * When the assistant answers: for the site, per department (departments
 * are the Departments tab's), and after how many unanswered questions it
 * hands over to a person.
 */
import { SelectControl, __experimentalNumberControl as NumberControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { AssistantDraft, AssistantMode } from './assistant-draft';
import { FieldError, invalidProps } from './field-error';
import type { Department, FieldErrors } from './types';

interface Props {
	settings: AssistantDraft[ 'settings' ];
	departments: Department[];
	errors: FieldErrors;
	onChange: ( settings: AssistantDraft[ 'settings' ] ) => void;
}

function modes(): Array< { label: string; value: AssistantMode } > {
	return [
		{ label: __( 'Off: people answer', 'consent-chat' ), value: 'off' },
		{ label: __( 'First: the assistant answers, then hands over', 'consent-chat' ), value: 'first' },
		{ label: __( 'Only when nobody is online', 'consent-chat' ), value: 'when_offline' },
	];
}

export function AssistantModes( { settings, departments, errors, onChange }: Props ) {
	const at = 'assistant.settings';
	const setDept = ( id: string, mode: string ) => {
		const next = { ...settings.departments };
		if ( mode === '' ) delete next[ id ];
		else next[ id ] = mode as AssistantMode;
		onChange( { ...settings, departments: next } );
	};
	// A department removed since its mode was set still shows (by its id), so its setting can be removed.
	const rows = [ ...departments, ...Object.keys( settings.departments ).filter( ( id ) => ! departments.some( ( d ) => d.id === id ) ).map( ( id ) => ( { id, name: id } ) ) ];
	return (
		<fieldset className="consent-chat-settings__section">
			<legend>{ __( 'When the assistant answers', 'consent-chat' ) }</legend>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Assistant for the whole site', 'consent-chat' ) }
				value={ settings.mode }
				options={ modes() }
				onChange={ ( mode ) => onChange( { ...settings, mode: mode as AssistantMode } ) }
				{ ...invalidProps( errors, `${ at }.mode` ) }
			/>
			<FieldError errors={ errors } path={ `${ at }.mode` } />
			{ rows.map( ( d ) => (
				<div key={ d.id }>
					<SelectControl
						__nextHasNoMarginBottom
						__next40pxDefaultSize
						/* translators: %s: a department's name. */
						label={ sprintf( __( 'Department “%s”', 'consent-chat' ), d.name ) }
						value={ settings.departments[ d.id ] ?? '' }
						options={ [ { label: __( 'As the site', 'consent-chat' ), value: '' }, ...modes() ] }
						onChange={ ( mode ) => setDept( d.id, mode ) }
						{ ...invalidProps( errors, `${ at }.departments.${ d.id }` ) }
					/>
					<FieldError errors={ errors } path={ `${ at }.departments.${ d.id }` } />
				</div>
			) ) }
			<NumberControl
				__next40pxDefaultSize
				label={ __( 'Hand over to a person after this many unanswered questions', 'consent-chat' ) }
				min={ 1 }
				max={ 10 }
				value={ settings.handoverAfter }
				onChange={ ( n ) => onChange( { ...settings, handoverAfter: Number( n ) } ) }
				{ ...invalidProps( errors, `${ at }.handoverAfter` ) }
			/>
			<FieldError errors={ errors } path={ `${ at }.handoverAfter` } />
		</fieldset>
	);
}
