/**
 * Departments (saved with the other settings) and the agents: who answers,
 * for which departments, with how many chats at once (saved per agent at
 * once, like WordPress's own user screens).
 */
import {
	Button,
	ComboboxControl,
	FormTokenField,
	Notice,
	Spinner,
	TextControl,
	__experimentalNumberControl as NumberControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { loadAgents, refusalOf, searchUsers, updateAgent, type UserMatch } from './api';
import { FieldError, invalidProps } from './field-error';
import type { Agent, Department, Draft, FieldErrors } from './types';

interface Props {
	draft: Draft;
	/** Departments as saved: agents can be given only these. */
	savedDepartments: Department[];
	errors: FieldErrors;
	onChange: ( draft: Draft ) => void;
}

export function AgentsTab( { draft, savedDepartments, errors, onChange }: Props ) {
	const depts = draft.departments ?? [];
	const setDepts = ( next: Department[] ) => onChange( { ...draft, departments: next } );
	return (
		<div className="consent-chat-settings__section">
			<h2>{ __( 'Departments', 'consent-chat' ) }</h2>
			<p className="description">
				{ __( 'A block, a link or an app can send chats to a department; they go to its agents. Agents without departments answer every chat.', 'consent-chat' ) }
			</p>
			<FieldError errors={ errors } path="departments" />
			<ul className="consent-chat-settings__depts">
				{ depts.map( ( dept, i ) => (
					<li key={ i }>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Name', 'consent-chat' ) }
							value={ dept.name }
							onChange={ ( name ) => setDepts( depts.map( ( d, j ) => ( j === i ? { ...d, name } : d ) ) ) }
							{ ...invalidProps( errors, `departments.${ i }.name` ) }
						/>
						<TextControl
							__nextHasNoMarginBottom
							__next40pxDefaultSize
							label={ __( 'Id (used in links and blocks)', 'consent-chat' ) }
							value={ dept.id }
							onChange={ ( id ) => setDepts( depts.map( ( d, j ) => ( j === i ? { ...d, id } : d ) ) ) }
							{ ...invalidProps( errors, `departments.${ i }.id` ) }
						/>
						<Button variant="tertiary" isDestructive onClick={ () => setDepts( depts.filter( ( _d, j ) => j !== i ) ) } __next40pxDefaultSize>
							{ __( 'Remove', 'consent-chat' ) }
						</Button>
						<FieldError errors={ errors } path={ `departments.${ i }.name` } />
						<FieldError errors={ errors } path={ `departments.${ i }.id` } />
					</li>
				) ) }
			</ul>
			<Button variant="secondary" onClick={ () => setDepts( [ ...depts, { id: '', name: '' } ] ) } __next40pxDefaultSize>
				{ __( 'Add department', 'consent-chat' ) }
			</Button>

			<h2>{ __( 'Agents', 'consent-chat' ) }</h2>
			<AgentList departments={ savedDepartments } />
		</div>
	);
}

function AgentList( { departments }: { departments: Department[] } ) {
	const [ agents, setAgents ] = useState< Agent[] | null >( null );
	const [ error, setError ] = useState( '' );
	useEffect( () => {
		loadAgents().then( setAgents, ( e ) => setError( refusalOf( e ).message ) );
	}, [] );
	const replace = ( agent: Agent ) => setAgents( ( list ) => ( list ?? [] ).map( ( a ) => ( a.id === agent.id ? agent : a ) ) );

	if ( error ) return <Notice status="error" isDismissible={ false }>{ error }</Notice>;
	if ( ! agents ) return <Spinner />;
	return (
		<>
			<p className="description">
				{ __( 'Administrators can always answer chats. Other users answer with the Chat agent role, given here.', 'consent-chat' ) }
			</p>
			<table className="widefat striped consent-chat-settings__agents">
				<thead>
					<tr>
						<th scope="col">{ __( 'Agent', 'consent-chat' ) }</th>
						<th scope="col">{ __( 'Departments', 'consent-chat' ) }</th>
						<th scope="col">{ __( 'Chats at once', 'consent-chat' ) }</th>
						<th scope="col">
							<span className="screen-reader-text">{ __( 'Actions', 'consent-chat' ) }</span>
						</th>
					</tr>
				</thead>
				<tbody>
					{ agents.map( ( agent ) => (
						<AgentRow
							key={ agent.id }
							agent={ agent }
							departments={ departments }
							onSaved={ replace }
							onRemoved={ ( id ) => setAgents( ( list ) => ( list ?? [] ).filter( ( a ) => a.id !== id ) ) }
						/>
					) ) }
				</tbody>
			</table>
			<AddAgent known={ agents } onAdded={ ( agent ) => setAgents( ( list ) => [ ...( list ?? [] ), agent ] ) } />
		</>
	);
}

function AgentRow( {
	agent,
	departments,
	onSaved,
	onRemoved,
}: {
	agent: Agent;
	departments: Department[];
	onSaved: ( agent: Agent ) => void;
	onRemoved: ( id: number ) => void;
} ) {
	const [ error, setError ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const names = new Map( departments.map( ( d ) => [ d.id, d.name ] ) );
	const ids = new Map( departments.map( ( d ) => [ d.name, d.id ] ) );
	const save = async ( changes: Parameters< typeof updateAgent >[ 1 ] ) => {
		setBusy( true );
		setError( '' );
		try {
			const saved = await updateAgent( agent.id, changes );
			if ( changes.agent === false ) onRemoved( agent.id );
			else onSaved( saved );
		} catch ( e ) {
			setError( refusalOf( e ).message );
		} finally {
			setBusy( false );
		}
	};
	return (
		<tr>
			<td>
				<strong>{ agent.name }</strong> <span className="description">({ agent.login })</span>
				{ agent.admin && <div className="description">{ __( 'Administrator', 'consent-chat' ) }</div> }
				{ error && <p className="consent-chat-settings__error">{ error }</p> }
			</td>
			<td>
				<FormTokenField
					__nextHasNoMarginBottom
					__next40pxDefaultSize
					label={ sprintf(
						/* translators: %s: an agent's name. */
						__( 'Departments of %s', 'consent-chat' ),
						agent.name
					) }
					value={ agent.depts.map( ( d ) => names.get( d ) ?? d ) }
					suggestions={ departments.map( ( d ) => d.name ) }
					__experimentalValidateInput={ ( name: string ) => ids.has( name ) }
					__experimentalExpandOnFocus
					disabled={ busy || departments.length === 0 }
					onChange={ ( tokens ) =>
						save( {
							depts: tokens
								.map( ( t ) => ids.get( typeof t === 'string' ? t : t.value ) )
								.filter( ( id ): id is string => typeof id === 'string' ),
						} )
					}
				/>
				{ departments.length === 0 && <p className="description">{ __( 'No departments yet: answers every chat.', 'consent-chat' ) }</p> }
			</td>
			<td>
				<NumberControl
					__next40pxDefaultSize
					label={ sprintf(
						/* translators: %s: an agent's name. */
						__( 'Chats at once for %s', 'consent-chat' ),
						agent.name
					) }
					hideLabelFromVision
					min={ 1 }
					max={ 50 }
					placeholder={ __( 'default', 'consent-chat' ) }
					value={ agent.maxChats ?? '' }
					disabled={ busy }
					onBlur={ ( event: { target: { value: string } } ) => {
						const raw = event.target.value.trim();
						const next = raw === '' ? null : Number( raw );
						if ( next !== agent.maxChats ) save( { maxChats: next } );
					} }
				/>
			</td>
			<td>
				{ agent.role && ! agent.admin && (
					<Button variant="tertiary" isDestructive disabled={ busy } onClick={ () => save( { agent: false } ) }>
						{ __( 'Remove as agent', 'consent-chat' ) }
					</Button>
				) }
			</td>
		</tr>
	);
}

function AddAgent( { known, onAdded }: { known: Agent[]; onAdded: ( agent: Agent ) => void } ) {
	const [ query, setQuery ] = useState( '' );
	const [ matches, setMatches ] = useState< UserMatch[] >( [] );
	const [ error, setError ] = useState( '' );
	useEffect( () => {
		if ( query.length < 2 ) return;
		let current = true;
		searchUsers( query ).then(
			( users ) => current && setMatches( users ),
			( e ) => current && setError( refusalOf( e ).message )
		);
		return () => {
			current = false;
		};
	}, [ query ] );
	const knownIds = new Set( known.map( ( a ) => a.id ) );
	return (
		<div className="consent-chat-settings__add-agent">
			<ComboboxControl
				__nextHasNoMarginBottom
				__next40pxDefaultSize
				label={ __( 'Make a user an agent', 'consent-chat' ) }
				help={ __( 'Type at least two letters of their name, login or e-mail.', 'consent-chat' ) }
				value={ null }
				options={ matches.filter( ( u ) => ! knownIds.has( u.id ) ).map( ( u ) => ( { value: String( u.id ), label: `${ u.name } (${ u.slug })` } ) ) }
				onFilterValueChange={ setQuery }
				onChange={ async ( id ) => {
					if ( ! id ) return;
					setError( '' );
					try {
						onAdded( await updateAgent( Number( id ), { agent: true } ) );
					} catch ( e ) {
						setError( refusalOf( e ).message );
					}
				} }
			/>
			{ error && <p className="consent-chat-settings__error">{ error }</p> }
		</div>
	);
}
