/**
 * The fields of the pre-chat or contact form: type, id, label, required,
 * and for checkboxes "opt-in" (its label is a consent text: versioned and
 * stored with each submission as proof).
 */
import { Button, CheckboxControl, SelectControl, TextControl, TextareaControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { freeFieldId, moveItem } from './draft';
import { FieldError, invalidProps } from './field-error';
import type { FieldErrors, FieldType, FormField } from './types';

interface Props {
	title: string;
	description: string;
	fields: FormField[];
	/** Error path of this list, e.g. `texts.en_US.contact`. */
	path: string;
	errors: FieldErrors;
	onChange: ( fields: FormField[] ) => void;
}

export function FormFieldsEditor( { title, description, fields, path, errors, onChange }: Props ) {
	const set = ( i: number, change: Partial< FormField > ) =>
		onChange( fields.map( ( f, j ) => ( j === i ? { ...f, ...change, optIn: ( change.type ?? f.type ) === 'checkbox' && ( change.optIn ?? f.optIn ) } : f ) ) );

	return (
		<fieldset className="consent-chat-settings__fields">
			<legend>{ title }</legend>
			<p className="description">{ description }</p>
			<FieldError errors={ errors } path={ path } />
			{ fields.length === 0 && <p>{ __( 'No fields.', 'consent-chat' ) }</p> }
			<ol>
				{ fields.map( ( field, i ) => {
					const at = `${ path }.${ i }`;
					const Label = field.type === 'checkbox' ? TextareaControl : TextControl;
					return (
						<li key={ i } className="consent-chat-settings__field">
							<div className="consent-chat-settings__field-row">
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ __( 'Type', 'consent-chat' ) }
									value={ field.type }
									options={ [
										{ label: __( 'Text', 'consent-chat' ), value: 'text' },
										{ label: __( 'E-mail', 'consent-chat' ), value: 'email' },
										{ label: __( 'Long text', 'consent-chat' ), value: 'textarea' },
										{ label: __( 'Checkbox', 'consent-chat' ), value: 'checkbox' },
									] }
									onChange={ ( type ) => set( i, { type: type as FieldType } ) }
								/>
								<TextControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ __( 'Id', 'consent-chat' ) }
									value={ field.id }
									onChange={ ( id ) => set( i, { id } ) }
									{ ...invalidProps( errors, `${ at }.id` ) }
								/>
							</div>
							<FieldError errors={ errors } path={ `${ at }.id` } />
							<Label
								__nextHasNoMarginBottom
								label={ __( 'Label', 'consent-chat' ) }
								value={ field.label }
								onChange={ ( label: string ) => set( i, { label } ) }
								{ ...invalidProps( errors, `${ at }.label` ) }
							/>
							<FieldError errors={ errors } path={ `${ at }.label` } />
							<div className="consent-chat-settings__field-row">
								<CheckboxControl
									__nextHasNoMarginBottom
									label={ __( 'Required', 'consent-chat' ) }
									checked={ field.required }
									onChange={ ( required ) => set( i, { required } ) }
								/>
								{ field.type === 'checkbox' && (
									<CheckboxControl
										__nextHasNoMarginBottom
										label={ __( 'Opt-in (its text is kept as proof with each submission)', 'consent-chat' ) }
										checked={ field.optIn }
										onChange={ ( optIn ) => set( i, { optIn } ) }
									/>
								) }
								<Button
									size="small"
									variant="tertiary"
									disabled={ i === 0 }
									onClick={ () => onChange( moveItem( fields, i, i - 1 ) ) }
									label={ sprintf(
										/* translators: %s: a field's id. */
										__( 'Move %s up', 'consent-chat' ),
										field.id
									) }
									icon="arrow-up-alt2"
								/>
								<Button
									size="small"
									variant="tertiary"
									disabled={ i === fields.length - 1 }
									onClick={ () => onChange( moveItem( fields, i, i + 1 ) ) }
									label={ sprintf(
										/* translators: %s: a field's id. */
										__( 'Move %s down', 'consent-chat' ),
										field.id
									) }
									icon="arrow-down-alt2"
								/>
								<Button
									size="small"
									variant="tertiary"
									isDestructive
									onClick={ () => onChange( fields.filter( ( _f, j ) => j !== i ) ) }
								>
									{ sprintf(
										/* translators: %s: a field's id. */
										__( 'Remove %s', 'consent-chat' ),
										field.id
									) }
								</Button>
							</div>
						</li>
					);
				} ) }
			</ol>
			<Button
				variant="secondary"
				onClick={ () => onChange( [ ...fields, { id: freeFieldId( fields ), type: 'text', label: '', required: false, optIn: false } ] ) }
				__next40pxDefaultSize
			>
				{ __( 'Add field', 'consent-chat' ) }
			</Button>
		</fieldset>
	);
}
