/**
 * The built-in assistant: when it answers (site and departments), and per
 * language its answers and dialogs, with a live preview of the selected
 * answer and import/export as JSON. Everything is saved with the other
 * settings (one Save button) and then sent to the chat service.
 */
import { Button, Notice, SelectControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { AnswerEditor } from './answer-editor';
import { freeId, updateLocale, type AssistantDraft, type EditLocale } from './assistant-draft';
import { AssistantImportExport } from './assistant-io';
import { AssistantBot } from './assistant-bot';
import { AssistantModes } from './assistant-modes';
import { AnswerPreview } from './assistant-preview';
import { DialogEditor } from './dialog-editor';
import { errorsUnder, moveItem } from './draft';
import type { Department, FieldErrors, SettingsData } from './types';

interface Props {
	assistant: AssistantDraft;
	/** The site's languages (the Texts' locales), site language first. */
	locales: string[];
	departments: Department[];
	sync: SettingsData[ 'assistantSync' ];
	errors: FieldErrors;
	onChange: ( assistant: AssistantDraft ) => void;
}

/** A list of entries with one selected: pick, move, remove, add. */
function EntryList( props: {
	label: string;
	titles: string[];
	selected: number;
	errorCount: ( i: number ) => number;
	onSelect: ( i: number ) => void;
	onMove: ( from: number, to: number ) => void;
	onRemove: ( i: number ) => void;
} ) {
	const { label, titles, selected, errorCount, onSelect, onMove, onRemove } = props;
	return (
		<ul className="consent-chat-settings__entries" aria-label={ label }>
			{ titles.map( ( title, i ) => (
				<li key={ i } className={ i === selected ? 'is-selected' : undefined }>
					<Button variant={ i === selected ? 'primary' : 'tertiary' } aria-pressed={ i === selected } onClick={ () => onSelect( i ) } __next40pxDefaultSize>
						{ ( title || __( '(untitled)', 'consent-chat' ) ) + ( errorCount( i ) ? ` (${ errorCount( i ) })` : '' ) }
					</Button>
					<Button variant="tertiary" disabled={ i === 0 } onClick={ () => onMove( i, i - 1 ) } __next40pxDefaultSize>
						{ sprintf( /* translators: %s: an entry's title. */ __( 'Move “%s” up', 'consent-chat' ), title ) }
					</Button>
					<Button variant="tertiary" disabled={ i === titles.length - 1 } onClick={ () => onMove( i, i + 1 ) } __next40pxDefaultSize>
						{ sprintf( /* translators: %s: an entry's title. */ __( 'Move “%s” down', 'consent-chat' ), title ) }
					</Button>
					<Button variant="tertiary" isDestructive onClick={ () => onRemove( i ) } __next40pxDefaultSize>
						{ sprintf( /* translators: %s: an entry's title. */ __( 'Delete “%s”', 'consent-chat' ), title ) }
					</Button>
				</li>
			) ) }
		</ul>
	);
}

export function AssistantTab( { assistant, locales, departments, sync, errors, onChange }: Props ) {
	const all = [ ...locales, ...Object.keys( assistant.content.locales ).filter( ( l ) => ! locales.includes( l ) ) ];
	const [ locale, setLocale ] = useState( all[ 0 ] );
	const [ answerAt, setAnswerAt ] = useState( 0 );
	const [ dialogAt, setDialogAt ] = useState( 0 );
	const lang: EditLocale = assistant.content.locales[ locale ] ?? { answers: [], dialogs: [] };
	const at = `assistant.content.locales.${ locale }`;
	const set = ( change: Partial< EditLocale > ) => onChange( updateLocale( assistant, locale, change ) );
	const answer = lang.answers[ Math.min( answerAt, lang.answers.length - 1 ) ];
	const dialog = lang.dialogs[ Math.min( dialogAt, lang.dialogs.length - 1 ) ];
	const answerIndex = answer ? lang.answers.indexOf( answer ) : -1;
	const dialogIndex = dialog ? lang.dialogs.indexOf( dialog ) : -1;

	const addAnswer = () => {
		const id = freeId( lang.answers.map( ( a ) => a.id ), 'answer' );
		set( { answers: [ ...lang.answers, { id, title: '', questions: [ '' ], answer: '', options: [] } ] } );
		setAnswerAt( lang.answers.length );
	};
	const addDialog = () => {
		const id = freeId( lang.dialogs.map( ( d ) => d.id ), 'dialog' );
		set( { dialogs: [ ...lang.dialogs, { id, title: '', steps: [ { id: 'step', question: '', input: 'text', choices: [], required: true } ], complete: { action: 'handover', text: '' } } ] } );
		setDialogAt( lang.dialogs.length );
	};

	return (
		<div className="consent-chat-settings__assistant">
			{ sync && ! sync.ok && (
				<Notice status="warning" isDismissible={ false }>
					{ sprintf(
						/* translators: 1: the service's message, 2: the field it names. */
						__( 'The chat service has not taken the saved answers: %1$s %2$s', 'consent-chat' ),
						sync.message,
						sync.path ? `(${ sync.path })` : ''
					) }
				</Notice>
			) }
			<p className="description">
				{ __( 'The assistant answers from what you write here, inside your own chat service: nothing is sent to a third party. Visitors are told they are talking to an automatic assistant and can ask for a person at any time.', 'consent-chat' ) }
			</p>
			<AssistantModes settings={ assistant.settings } departments={ departments } errors={ errors } onChange={ ( settings ) => onChange( { ...assistant, settings } ) } />
			<AssistantBot settings={ assistant.settings } errors={ errors } onChange={ ( settings ) => onChange( { ...assistant, settings } ) } />

			<SelectControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Language of the answers', 'consent-chat' ) }
				value={ locale }
				options={ all.map( ( l ) => {
					const n = errorsUnder( errors, `assistant.content.locales.${ l }` );
					/* translators: 1: a locale, 2: number of fields to correct. */
					return { label: n ? sprintf( __( '%1$s (%2$d to correct)', 'consent-chat' ), l, n ) : l, value: l };
				} ) }
				onChange={ ( l ) => ( setLocale( l ), setAnswerAt( 0 ), setDialogAt( 0 ) ) }
			/>

			<h2>{ __( 'Answers', 'consent-chat' ) }</h2>
			{ lang.answers.length === 0 && <p>{ __( 'No answers in this language yet.', 'consent-chat' ) }</p> }
			<EntryList
				label={ __( 'Answers', 'consent-chat' ) }
				titles={ lang.answers.map( ( a ) => a.title ) }
				selected={ answerIndex }
				errorCount={ ( i ) => errorsUnder( errors, `${ at }.answers.${ i }` ) }
				onSelect={ setAnswerAt }
				onMove={ ( from, to ) => ( set( { answers: moveItem( lang.answers, from, to ) } ), setAnswerAt( to ) ) }
				onRemove={ ( i ) => set( { answers: lang.answers.filter( ( _a, j ) => j !== i ) } ) }
			/>
			<Button variant="secondary" disabled={ lang.answers.length >= 2000 } onClick={ addAnswer } __next40pxDefaultSize>
				{ __( 'Add an answer', 'consent-chat' ) }
			</Button>
			{ answer && (
				<div className="consent-chat-settings__columns">
					<AnswerEditor
						answer={ answer }
						lang={ lang }
						path={ `${ at }.answers.${ answerIndex }` }
						errors={ errors }
						onChange={ ( next ) => set( { answers: lang.answers.map( ( a, j ) => ( j === answerIndex ? next : a ) ) } ) }
					/>
					<AnswerPreview answer={ answer } locale={ locale } />
				</div>
			) }

			<h2>{ __( 'Dialogs', 'consent-chat' ) }</h2>
			<p className="description">{ __( 'A dialog asks a few questions; the visitor’s browser keeps the answers until the last one, and only the completed dialog is sent.', 'consent-chat' ) }</p>
			{ lang.dialogs.length === 0 && <p>{ __( 'No dialogs in this language yet.', 'consent-chat' ) }</p> }
			<EntryList
				label={ __( 'Dialogs', 'consent-chat' ) }
				titles={ lang.dialogs.map( ( d ) => d.title ) }
				selected={ dialogIndex }
				errorCount={ ( i ) => errorsUnder( errors, `${ at }.dialogs.${ i }` ) }
				onSelect={ setDialogAt }
				onMove={ ( from, to ) => ( set( { dialogs: moveItem( lang.dialogs, from, to ) } ), setDialogAt( to ) ) }
				onRemove={ ( i ) => set( { dialogs: lang.dialogs.filter( ( _d, j ) => j !== i ) } ) }
			/>
			<Button variant="secondary" disabled={ lang.dialogs.length >= 100 } onClick={ addDialog } __next40pxDefaultSize>
				{ __( 'Add a dialog', 'consent-chat' ) }
			</Button>
			{ dialog && (
				<DialogEditor
					dialog={ dialog }
					path={ `${ at }.dialogs.${ dialogIndex }` }
					errors={ errors }
					onChange={ ( next ) => set( { dialogs: lang.dialogs.map( ( d, j ) => ( j === dialogIndex ? next : d ) ) } ) }
				/>
			) }

			<AssistantImportExport draft={ assistant } onChange={ onChange } />
		</div>
	);
}
