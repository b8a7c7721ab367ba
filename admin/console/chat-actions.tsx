/**
 * What an agent can do with an open chat besides answering: keep it as a
 * record (exempt from automatic deletion), transfer it to another online
 * agent or to a department's queue, and end it.
 */
import {
	Button,
	Modal,
	RadioControl,
	SelectControl,
	TextControl,
	ToggleControl,
} from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import type { AgentView, ChatView } from '../../server/protocol';
import { chatLabel } from './format';

export interface ChatTools {
	/** Online agents other than this one. */
	agents: AgentView[];
	/** Known departments, for suggestions. */
	depts: string[];
	/** Department id → name, where the site named it. */
	deptNames: Record< string, string >;
	/** The site's labels of its pre-chat form fields, by field id. */
	fieldLabels: Record< string, string >;
	transfer: ( chatId: string, to: { toAgent: string } | { toDept: string } ) => void;
	keep: ( chatId: string, keep: boolean ) => void;
	typing: ( chatId: string, typing: boolean ) => void;
}

const DEPT_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function KeepToggle( { view, tools }: { view: ChatView; tools: ChatTools } ) {
	return (
		<ToggleControl
			__nextHasNoMarginBottom
			className="consent-chat-console__keep"
			label={ __( 'Keep this chat as a record', 'consent-chat' ) }
			help={
				view.mode === 'ephemeral'
					? __( 'Exempts the chat from automatic deletion. This chat stores no messages, so only its record (times, status) is kept. The visitor can no longer delete a kept chat with their chat code.', 'consent-chat' )
					: __( 'Exempts the chat and its transcript from automatic deletion after the retention period, e.g. when a contract was agreed. The visitor can no longer delete a kept chat with their chat code.', 'consent-chat' )
			}
			checked={ view.keep }
			onChange={ ( keep ) => tools.keep( view.id, keep ) }
		/>
	);
}

export function TransferButton( { view, tools }: { view: ChatView; tools: ChatTools } ) {
	const [ open, setOpen ] = useState( false );
	return (
		<>
			<Button variant="secondary" size="compact" onClick={ () => setOpen( true ) }>
				{ __( 'Transfer…', 'consent-chat' ) }
			</Button>
			{ open && <TransferModal view={ view } tools={ tools } onClose={ () => setOpen( false ) } /> }
		</>
	);
}

function TransferModal( { view, tools, onClose }: { view: ChatView; tools: ChatTools; onClose: () => void } ) {
	const hasAgents = tools.agents.length > 0;
	const [ target, setTarget ] = useState< 'agent' | 'dept' >( hasAgents ? 'agent' : 'dept' );
	const [ agent, setAgent ] = useState( tools.agents[ 0 ]?.sub ?? '' );
	const [ dept, setDept ] = useState( view.dept ?? '' );
	const deptOk = DEPT_PATTERN.test( dept );
	const chosenAgent = tools.agents.find( ( a ) => a.sub === agent );
	const canTransfer = target === 'agent' ? chosenAgent !== undefined : deptOk;
	const listId = `consent-chat-depts-${ view.id }`;

	const submit = () => {
		if ( ! canTransfer ) return;
		tools.transfer( view.id, target === 'agent' ? { toAgent: agent } : { toDept: dept } );
		onClose();
	};

	return (
		<Modal
			title={ sprintf(
				/* translators: %s: the visitor's name, or "Visitor" and a short id. */
				__( 'Transfer the chat with %s', 'consent-chat' ),
				chatLabel( view )
			) }
			onRequestClose={ onClose }
			className="consent-chat-console__transfer"
		>
			<form
				onSubmit={ ( e ) => {
					e.preventDefault();
					submit();
				} }
			>
				<RadioControl
					label={ __( 'Transfer to', 'consent-chat' ) }
					selected={ target }
					options={ [
						{ label: __( 'Another agent who is online', 'consent-chat' ), value: 'agent' },
						{ label: __( 'A department’s waiting list', 'consent-chat' ), value: 'dept' },
					] }
					onChange={ ( value ) => setTarget( value === 'dept' ? 'dept' : 'agent' ) }
				/>
				{ target === 'agent' &&
					( hasAgents ? (
						<SelectControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Agent', 'consent-chat' ) }
							value={ agent }
							options={ tools.agents.map( ( a ) => ( {
								value: a.sub,
								label: sprintf(
									/* translators: 1: agent's name, 2: number of open chats. */
									_n( '%1$s (%2$d open chat)', '%1$s (%2$d open chats)', a.chats, 'consent-chat' ),
									a.name,
									a.chats
								),
							} ) ) }
							onChange={ setAgent }
						/>
					) : (
						<p className="consent-chat-console__empty">{ __( 'No other agent is online.', 'consent-chat' ) }</p>
					) ) }
				{ target === 'dept' && (
					<>
						<TextControl
							__next40pxDefaultSize
							__nextHasNoMarginBottom
							label={ __( 'Department', 'consent-chat' ) }
							help={
								dept !== '' && ! deptOk
									? __( 'A department id has only letters, digits, - and _.', 'consent-chat' )
									: __( 'The chat goes back to the waiting list; the next free agent of that department gets it.', 'consent-chat' )
							}
							value={ dept }
							list={ listId }
							onChange={ setDept }
						/>
						<datalist id={ listId }>
							{ tools.depts.map( ( d ) => (
								<option key={ d } value={ d } label={ tools.deptNames[ d ] } />
							) ) }
						</datalist>
					</>
				) }
				<div className="consent-chat-console__modal-actions">
					<Button variant="tertiary" onClick={ onClose }>
						{ __( 'Cancel', 'consent-chat' ) }
					</Button>
					<Button variant="primary" type="submit" disabled={ ! canTransfer } accessibleWhenDisabled>
						{ __( 'Transfer', 'consent-chat' ) }
					</Button>
				</div>
			</form>
		</Modal>
	);
}
