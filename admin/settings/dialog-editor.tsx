/**
 * One dialog: its steps (a question each, with the input the visitor
 * answers in; choices for a choice) and what happens once it is complete.
 */
import { Button, CheckboxControl, SelectControl, TextareaControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { freeId, type CompleteAction, type EditDialog, type EditStep, type StepInput } from './assistant-draft';
import { moveItem } from './draft';
import { FieldError, invalidProps } from './field-error';
import type { FieldErrors } from './types';

interface Props {
	dialog: EditDialog;
	/** Error path of this dialog, e.g. `assistant.content.locales.de_DE.dialogs.0`. */
	path: string;
	errors: FieldErrors;
	onChange: ( dialog: EditDialog ) => void;
}

function Text( { label, value, path, errors, onChange }: { label: string; value: string; path: string; errors: FieldErrors; onChange: ( v: string ) => void } ) {
	return (
		<>
			<TextControl __nextHasNoMarginBottom __next40pxDefaultSize label={ label } value={ value } onChange={ onChange } { ...invalidProps( errors, path ) } />
			<FieldError errors={ errors } path={ path } />
		</>
	);
}

export function DialogEditor( { dialog, path, errors, onChange }: Props ) {
	const set = ( change: Partial< EditDialog > ) => onChange( { ...dialog, ...change } );
	const setStep = ( i: number, change: Partial< EditStep > ) => set( { steps: dialog.steps.map( ( s, j ) => ( j === i ? { ...s, ...change } : s ) ) } );
	const addStep = () =>
		set( { steps: [ ...dialog.steps, { id: freeId( dialog.steps.map( ( s ) => s.id ), 'step' ), question: '', input: 'text', choices: [], required: true } ] } );

	return (
		<fieldset className="consent-chat-settings__fields">
			<legend>{ __( 'Dialog', 'consent-chat' ) }</legend>
			<Text label={ __( 'Dialog title', 'consent-chat' ) } value={ dialog.title } path={ `${ path }.title` } errors={ errors } onChange={ ( title ) => set( { title } ) } />
			<Text label={ __( 'Dialog id', 'consent-chat' ) } value={ dialog.id } path={ `${ path }.id` } errors={ errors } onChange={ ( id ) => set( { id } ) } />
			<FieldError errors={ errors } path={ `${ path }.steps` } />
			<ol>
				{ dialog.steps.map( ( s, i ) => {
					const at = `${ path }.steps.${ i }`;
					return (
						<li key={ i } className="consent-chat-settings__field">
							<Text
								/* translators: %d: the step's number. */
								label={ sprintf( __( 'Question of step %d', 'consent-chat' ), i + 1 ) }
								value={ s.question }
								path={ `${ at }.question` }
								errors={ errors }
								onChange={ ( question ) => setStep( i, { question } ) }
							/>
							<div className="consent-chat-settings__field-row">
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									/* translators: %d: the step's number. */
									label={ sprintf( __( 'Input of step %d', 'consent-chat' ), i + 1 ) }
									value={ s.input }
									options={ [
										{ label: __( 'Text', 'consent-chat' ), value: 'text' },
										{ label: __( 'E-mail', 'consent-chat' ), value: 'email' },
										{ label: __( 'A choice', 'consent-chat' ), value: 'choice' },
										{ label: __( 'A date', 'consent-chat' ), value: 'date' },
									] }
									onChange={ ( input ) => setStep( i, { input: input as StepInput, choices: input === 'choice' && s.choices.length < 2 ? [ '', '' ] : s.choices } ) }
								/>
								<Text label={ __( 'Step id', 'consent-chat' ) } value={ s.id } path={ `${ at }.id` } errors={ errors } onChange={ ( id ) => setStep( i, { id } ) } />
							</div>
							<CheckboxControl __nextHasNoMarginBottom label={ __( 'Required', 'consent-chat' ) } checked={ s.required } onChange={ ( required ) => setStep( i, { required } ) } />
							{ s.input === 'choice' && (
								<>
									<FieldError errors={ errors } path={ `${ at }.choices` } />
									<TextareaControl
										__nextHasNoMarginBottom
										label={ __( 'Choices, one per line', 'consent-chat' ) }
										help={ __( 'Under five are shown as buttons, five or more as a drop-down.', 'consent-chat' ) }
										rows={ 4 }
										value={ s.choices.join( '\n' ) }
										onChange={ ( text ) => setStep( i, { choices: text.split( '\n' ) } ) }
										{ ...invalidProps( errors, `${ at }.choices` ) }
									/>
									{ s.choices.map( ( _c, k ) => (
										<FieldError key={ k } errors={ errors } path={ `${ at }.choices.${ k }` } />
									) ) }
								</>
							) }
							<div className="consent-chat-settings__field-row">
								<Button variant="tertiary" disabled={ i === 0 } onClick={ () => set( { steps: moveItem( dialog.steps, i, i - 1 ) } ) } __next40pxDefaultSize>
									{ __( 'Move up', 'consent-chat' ) }
								</Button>
								<Button variant="tertiary" isDestructive disabled={ dialog.steps.length < 2 } onClick={ () => set( { steps: dialog.steps.filter( ( _x, j ) => j !== i ) } ) } __next40pxDefaultSize>
									{ __( 'Remove step', 'consent-chat' ) }
								</Button>
							</div>
						</li>
					);
				} ) }
			</ol>
			<Button variant="secondary" disabled={ dialog.steps.length >= 20 } onClick={ addStep } __next40pxDefaultSize>
				{ __( 'Add a step', 'consent-chat' ) }
			</Button>
			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'When the dialog is complete', 'consent-chat' ) }
				value={ dialog.complete.action }
				options={ [
					{ label: __( 'Hand over to a person, with the answers', 'consent-chat' ), value: 'handover' },
					{ label: __( 'Send it as a contact-form message', 'consent-chat' ), value: 'contact' },
					{ label: __( 'End with a text', 'consent-chat' ), value: 'end' },
				] }
				onChange={ ( action ) => set( { complete: { ...dialog.complete, action: action as CompleteAction } } ) }
			/>
			{ dialog.complete.action === 'end' && (
				<>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __( 'Closing text (Markdown)', 'consent-chat' ) }
						rows={ 3 }
						value={ dialog.complete.text }
						onChange={ ( text ) => set( { complete: { ...dialog.complete, text } } ) }
						{ ...invalidProps( errors, `${ path }.complete.text` ) }
					/>
					<FieldError errors={ errors } path={ `${ path }.complete.text` } />
				</>
			) }
		</fieldset>
	);
}
