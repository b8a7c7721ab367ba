/**
 * One answer: id, title, the questions visitors might ask, the Markdown
 * answer, and the options offered under it (another answer, a dialog, or
 * a person).
 */
import { Button, SelectControl, TextareaControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { freeId, slugOf, type EditAnswer, type EditLocale, type EditOption, type OptionTarget } from './assistant-draft';
import { moveItem } from './draft';
import { FieldError, invalidProps } from './field-error';
import type { FieldErrors } from './types';

interface Props {
	answer: EditAnswer;
	/** The language's content, for the options' targets. */
	lang: EditLocale;
	/** Error path of this answer, e.g. `assistant.content.locales.de_DE.answers.2`. */
	path: string;
	errors: FieldErrors;
	onChange: ( answer: EditAnswer ) => void;
}

function Text( { label, value, path, errors, onChange }: { label: string; value: string; path: string; errors: FieldErrors; onChange: ( v: string ) => void } ) {
	return (
		<>
			<TextControl __nextHasNoMarginBottom __next40pxDefaultSize label={ label } value={ value } onChange={ onChange } { ...invalidProps( errors, path ) } />
			<FieldError errors={ errors } path={ path } />
		</>
	);
}

export function AnswerEditor( { answer, lang, path, errors, onChange }: Props ) {
	const set = ( change: Partial< EditAnswer > ) => onChange( { ...answer, ...change } );
	const setQuestion = ( i: number, q: string ) => set( { questions: answer.questions.map( ( x, j ) => ( j === i ? q : x ) ) } );
	const setOption = ( i: number, change: Partial< EditOption > ) => set( { options: answer.options.map( ( o, j ) => ( j === i ? { ...o, ...change } : o ) ) } );
	const others = lang.answers.filter( ( a ) => a.id !== answer.id );
	// While the id is still the one a new answer got, it follows the title (an id typed by hand stays).
	const setTitle = ( title: string ) =>
		set( /^answer(-\d+)?$/.test( answer.id ) && title.trim() ? { title, id: freeId( others.map( ( a ) => a.id ), slugOf( title ) ) } : { title } );

	return (
		<fieldset className="consent-chat-settings__fields">
			<legend>{ __( 'Answer', 'consent-chat' ) }</legend>
			<Text label={ __( 'Title', 'consent-chat' ) } value={ answer.title } path={ `${ path }.title` } errors={ errors } onChange={ setTitle } />
			<Text label={ __( 'Id (in links and exports)', 'consent-chat' ) } value={ answer.id } path={ `${ path }.id` } errors={ errors } onChange={ ( id ) => set( { id } ) } />
			<h3>{ __( 'Questions visitors might ask', 'consent-chat' ) }</h3>
			<FieldError errors={ errors } path={ `${ path }.questions` } />
			{ answer.questions.map( ( q, i ) => (
				<div key={ i } className="consent-chat-settings__suggestion">
					<Text
						/* translators: %d: the question's number. */
						label={ sprintf( __( 'Example question %d', 'consent-chat' ), i + 1 ) }
						value={ q }
						path={ `${ path }.questions.${ i }` }
						errors={ errors }
						onChange={ ( text ) => setQuestion( i, text ) }
					/>
					<Button variant="tertiary" isDestructive disabled={ answer.questions.length < 2 } onClick={ () => set( { questions: answer.questions.filter( ( _x, j ) => j !== i ) } ) } __next40pxDefaultSize>
						{ __( 'Remove', 'consent-chat' ) }
					</Button>
				</div>
			) ) }
			<Button variant="secondary" disabled={ answer.questions.length >= 20 } onClick={ () => set( { questions: [ ...answer.questions, '' ] } ) } __next40pxDefaultSize>
				{ __( 'Add a question', 'consent-chat' ) }
			</Button>
			<TextareaControl
				__nextHasNoMarginBottom
				label={ __( 'Answer (Markdown)', 'consent-chat' ) }
				rows={ 6 }
				value={ answer.answer }
				onChange={ ( text ) => set( { answer: text } ) }
				{ ...invalidProps( errors, `${ path }.answer` ) }
			/>
			<FieldError errors={ errors } path={ `${ path }.answer` } />

			<h3>{ __( 'Options under the answer', 'consent-chat' ) }</h3>
			<FieldError errors={ errors } path={ `${ path }.options` } />
			<ol>
				{ answer.options.map( ( o, i ) => {
					const at = `${ path }.options.${ i }`;
					return (
						<li key={ i } className="consent-chat-settings__field">
							<Text label={ __( 'Option label', 'consent-chat' ) } value={ o.label } path={ `${ at }.label` } errors={ errors } onChange={ ( label ) => setOption( i, { label } ) } />
							<SelectControl
								__nextHasNoMarginBottom
								__next40pxDefaultSize
								label={ __( 'Leads to', 'consent-chat' ) }
								value={ o.to }
								options={ [
									{ label: __( 'Another answer', 'consent-chat' ), value: 'answer' },
									{ label: __( 'A dialog', 'consent-chat' ), value: 'dialog' },
									{ label: __( 'A person', 'consent-chat' ), value: 'person' },
								] }
								onChange={ ( to ) => setOption( i, { to: to as OptionTarget, answer: to === 'answer' ? others[ 0 ]?.id ?? '' : undefined, dialog: to === 'dialog' ? lang.dialogs[ 0 ]?.id ?? '' : undefined } ) }
							/>
							{ o.to === 'answer' && (
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ __( 'Which answer', 'consent-chat' ) }
									value={ o.answer ?? '' }
									options={ [ { label: '—', value: '' }, ...others.map( ( a ) => ( { label: a.title || a.id, value: a.id } ) ) ] }
									onChange={ ( id ) => setOption( i, { answer: id } ) }
									{ ...invalidProps( errors, `${ at }.answer` ) }
								/>
							) }
							{ o.to === 'dialog' && (
								<SelectControl
									__nextHasNoMarginBottom
									__next40pxDefaultSize
									label={ __( 'Which dialog', 'consent-chat' ) }
									value={ o.dialog ?? '' }
									options={ [ { label: '—', value: '' }, ...lang.dialogs.map( ( d ) => ( { label: d.title || d.id, value: d.id } ) ) ] }
									onChange={ ( id ) => setOption( i, { dialog: id } ) }
									{ ...invalidProps( errors, `${ at }.dialog` ) }
								/>
							) }
							<FieldError errors={ errors } path={ `${ at }.answer` } />
							<FieldError errors={ errors } path={ `${ at }.dialog` } />
							<div className="consent-chat-settings__field-row">
								<Button variant="tertiary" disabled={ i === 0 } onClick={ () => set( { options: moveItem( answer.options, i, i - 1 ) } ) } __next40pxDefaultSize>
									{ __( 'Move up', 'consent-chat' ) }
								</Button>
								<Button variant="tertiary" isDestructive onClick={ () => set( { options: answer.options.filter( ( _x, j ) => j !== i ) } ) } __next40pxDefaultSize>
									{ __( 'Remove option', 'consent-chat' ) }
								</Button>
							</div>
						</li>
					);
				} ) }
			</ol>
			<Button variant="secondary" disabled={ answer.options.length >= 12 } onClick={ () => set( { options: [ ...answer.options, { label: '', to: 'person' } ] } ) } __next40pxDefaultSize>
				{ __( 'Add an option', 'consent-chat' ) }
			</Button>
		</fieldset>
	);
}
