/**
 * The agent's availability: online or offline, for which departments, and
 * whether to be alerted of new chats (sound and desktop notification).
 */
import {
	Card,
	CardBody,
	CheckboxControl,
	FormTokenField,
	ToggleControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import type { Alerts } from './use-alerts';
import { knownDepts } from './chat-queries';
import type { ConsoleState } from './state';

interface PresenceProps {
	state: ConsoleState;
	setOnline: ( online: boolean ) => void;
	setDepts: ( depts: string[] ) => void;
	alerts: Alerts;
	/** Department id → name, where the site named it. */
	deptNames: Record< string, string >;
}

const DEPT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function Presence( { state, setOnline, setDepts, alerts, deptNames }: PresenceProps ) {
	const disabled = state.online === null;
	return (
		<Card size="small" className="consent-chat-console__presence">
			<CardBody>
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __( 'Online', 'consent-chat' ) }
					help={
						state.online
							? __( 'You can be assigned new chats.', 'consent-chat' )
							: __( 'You get no new chats; your open chats go on.', 'consent-chat' )
					}
					checked={ state.online === true }
					disabled={ disabled }
					onChange={ setOnline }
				/>
				<Departments state={ state } setDepts={ setDepts } disabled={ disabled } names={ deptNames } />
				<CheckboxControl
					__nextHasNoMarginBottom
					className="consent-chat-console__alerts"
					label={ __( 'Alert me of new chats', 'consent-chat' ) }
					help={ alertsHelp( alerts ) }
					checked={ alerts.enabled }
					onChange={ alerts.setEnabled }
				/>
				{ state.agentName && (
					<p className="consent-chat-console__meta">
						{ sprintf(
							/* translators: %s: the agent's display name. */
							__( 'Signed in as %s', 'consent-chat' ),
							state.agentName
						) }
					</p>
				) }
			</CardBody>
		</Card>
	);
}

function alertsHelp( alerts: Alerts ): string {
	if ( ! alerts.enabled ) {
		return __( 'A sound and a desktop notification when a chat is waiting or assigned to you, except for the chat you are looking at.', 'consent-chat' );
	}
	switch ( alerts.permission ) {
		case 'denied':
			return __( 'The browser blocks notifications for this site: you get the sound only. Allow notifications in the browser’s site settings.', 'consent-chat' );
		case 'unsupported':
			return __( 'This browser has no desktop notifications: you get the sound only.', 'consent-chat' );
		case 'default':
			return __( 'Allow notifications when the browser asks, or you get the sound only.', 'consent-chat' );
	}
	return __( 'On: a sound, and a desktop notification while you are in another window or tab.', 'consent-chat' );
}

/**
 * An agent whose token names departments picks among those (at least one);
 * an agent who may serve all is online for all, or only for the ones named.
 */
function Departments( {
	state,
	setDepts,
	disabled,
	names,
}: {
	state: ConsoleState;
	setDepts: ( d: string[] ) => void;
	disabled: boolean;
	names: Record< string, string >;
} ) {
	const tokenDepts = state.me?.depts ?? [];
	const [ limiting, setLimiting ] = useState( false );
	if ( tokenDepts.length > 0 ) {
		// Empty from the service would mean "all of the token's".
		const chosen = state.depts.length === 0 ? tokenDepts : state.depts;
		return (
			<fieldset className="consent-chat-console__depts">
				<legend>{ __( 'Departments', 'consent-chat' ) }</legend>
				{ tokenDepts.map( ( dept ) => {
					const checked = chosen.includes( dept );
					return (
						<CheckboxControl
							__nextHasNoMarginBottom
							key={ dept }
							label={ names[ dept ] ?? dept }
							checked={ checked }
							// At least one: with none the agent would simply be offline.
							disabled={ disabled || ( checked && chosen.length === 1 ) }
							onChange={ ( on ) =>
								setDepts( on ? tokenDepts.filter( ( d ) => d === dept || chosen.includes( d ) ) : chosen.filter( ( d ) => d !== dept ) )
							}
						/>
					);
				} ) }
			</fieldset>
		);
	}
	const limited = limiting || state.depts.length > 0;
	return (
		<div className="consent-chat-console__depts">
			<ToggleControl
				__nextHasNoMarginBottom
				label={ __( 'All departments', 'consent-chat' ) }
				help={
					limited
						? __( 'You get only chats of the departments below, and chats without a department.', 'consent-chat' )
						: __( 'You get chats of every department.', 'consent-chat' )
				}
				checked={ ! limited }
				disabled={ disabled }
				onChange={ ( all ) => {
					setLimiting( ! all );
					if ( all ) setDepts( [] );
				} }
			/>
			{ limited && (
				<FormTokenField
					__next40pxDefaultSize
					__nextHasNoMarginBottom
					label={ __( 'Only these departments', 'consent-chat' ) }
					value={ state.depts }
					suggestions={ [ ...new Set( [ ...Object.keys( names ), ...knownDepts( state ) ] ) ] }
					disabled={ disabled }
					__experimentalValidateInput={ ( token: string ) => DEPT_PATTERN.test( token ) }
					help={ __( 'Type a department id (letters, digits, - and _) and press Enter.', 'consent-chat' ) }
					onChange={ ( tokens ) => {
						const depts = tokens.map( ( t ) => ( typeof t === 'string' ? t : t.value ) ).filter( ( t ) => DEPT_PATTERN.test( t ) );
						// None left: back to all (an empty list means all to the service).
						if ( depts.length === 0 ) setLimiting( false );
						setDepts( depts );
					} }
				/>
			) }
		</div>
	);
}
