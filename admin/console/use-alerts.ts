/**
 * Opt-in alerts for a new chat in the queue or a chat assigned to this
 * agent: a short tone made with the Web Audio API (no sound file is
 * fetched) and a desktop notification. Nothing is asked of the browser
 * until the agent ticks the box: the permission request and the audio
 * context are both started from that click. Which alert uses which channel
 * is decided by `alertChannels` (never for the chat the agent is looking at).
 */
import { useCallback, useRef, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { chatLabel } from './format';
import { alertChannels, type ConsoleAlert } from './alerts';
import type { ConsoleState } from './state';

const ALERTS_KEY = 'consent-chat:console:alerts';
/**
 * One tone per burst: a new chat often shows in the queue for a moment
 * before the service assigns it (two alerts, one chat). Its notifications
 * share a tag, so the browser replaces the first with the second.
 */
const TONE_GAP_MS = 1_500;

export type NotifyPermission = NotificationPermission | 'unsupported';

function storedEnabled(): boolean {
	try {
		return window.localStorage.getItem( ALERTS_KEY ) === '1';
	} catch {
		return false;
	}
}

function storeEnabled( on: boolean ): void {
	try {
		window.localStorage.setItem( ALERTS_KEY, on ? '1' : '0' );
	} catch {
		// Storage blocked: the choice only lasts for this page.
	}
}

function permissionNow(): NotifyPermission {
	return typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported';
}

/** Two short rising tones, quiet. */
function chime( ctx: AudioContext ): void {
	const start = ctx.currentTime + 0.01;
	[ 660, 880 ].forEach( ( freq, i ) => {
		const osc = ctx.createOscillator();
		const gain = ctx.createGain();
		const at = start + i * 0.18;
		osc.type = 'sine';
		osc.frequency.setValueAtTime( freq, at );
		gain.gain.setValueAtTime( 0.0001, at );
		gain.gain.exponentialRampToValueAtTime( 0.2, at + 0.02 );
		gain.gain.exponentialRampToValueAtTime( 0.0001, at + 0.16 );
		osc.connect( gain ).connect( ctx.destination );
		osc.start( at );
		osc.stop( at + 0.17 );
	} );
}

export interface Alerts {
	enabled: boolean;
	permission: NotifyPermission;
	/** Call from the agent's click (browsers allow permission requests and audio only then). */
	setEnabled: ( on: boolean ) => void;
	/** Hand to useAgentConnection. */
	onAlerts: ( alerts: ConsoleAlert[], state: ConsoleState ) => void;
}

export function useAlerts( select: ( chatId: string ) => void ): Alerts {
	const [ enabled, setEnabledState ] = useState( storedEnabled );
	const [ permission, setPermission ] = useState< NotifyPermission >( permissionNow );
	const audio = useRef< AudioContext | null >( null );
	const lastTone = useRef( 0 );
	const enabledRef = useRef( enabled );
	enabledRef.current = enabled;
	const selectRef = useRef( select );
	selectRef.current = select;

	const ensureAudio = () => {
		if ( ! audio.current && typeof window.AudioContext === 'function' ) {
			audio.current = new window.AudioContext();
		}
		// Created or resumed inside the click, so the browser lets it play later.
		void audio.current?.resume().catch( () => undefined );
	};

	const setEnabled = useCallback( ( on: boolean ) => {
		storeEnabled( on );
		setEnabledState( on );
		if ( ! on ) return;
		ensureAudio();
		if ( typeof window.Notification === 'function' && window.Notification.permission === 'default' ) {
			void window.Notification.requestPermission().then( setPermission, () => undefined );
		}
	}, [] );

	const onAlerts = useCallback( ( alerts: ConsoleAlert[], state: ConsoleState ) => {
		if ( ! enabledRef.current ) return;
		const where = { focused: document.visibilityState === 'visible' && document.hasFocus(), activeChatId: state.activeChatId };
		let sound = false;
		for ( const alert of alerts ) {
			const channels = alertChannels( alert, where );
			sound ||= channels.sound;
			if ( channels.notify && permissionNow() === 'granted' ) {
				const n = new window.Notification(
					alert.kind === 'queued'
						? __( 'New chat waiting', 'consent-chat' )
						: __( 'New chat assigned to you', 'consent-chat' ),
					{
						body: sprintf(
							/* translators: %s: the visitor's name, or "Visitor" and a short id. */
							__( '%s — open the live chat to answer.', 'consent-chat' ),
							chatLabel( alert.view )
						),
						tag: `consent-chat-${ alert.chatId }`,
					}
				);
				n.onclick = () => {
					window.focus();
					if ( alert.kind === 'assigned' ) selectRef.current( alert.chatId );
					n.close();
				};
			}
		}
		if ( sound && Date.now() - lastTone.current >= TONE_GAP_MS ) {
			lastTone.current = Date.now();
			if ( ! audio.current && typeof window.AudioContext === 'function' ) {
				// A reload lost the context made by the click: browsers may keep it suspended.
				audio.current = new window.AudioContext();
			}
			if ( audio.current ) chime( audio.current );
		}
	}, [] );

	return { enabled, permission, setEnabled, onAlerts };
}
