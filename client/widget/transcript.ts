/**
 * "Download transcript": a plain-text file made in the browser from what the
 * chat shows, nothing fetched.
 */
import type { FrontendConfig } from '../contract';
import type { ChatMessage } from '../../server/protocol';
import { h } from './dom';
import { author, plainText } from './events';
import { bcp47 } from './locale';

export function saveTranscript( messages: readonly ChatMessage[], code: string, config: FrontendConfig ): void {
	const s = config.strings;
	const lines = messages.map( ( m ) => {
		const time = new Date( m.at ).toLocaleString( bcp47( config.lang ) );
		return m.from === 'system' ? `[${ time }] ${ plainText( m, s ) }` : `[${ time }] ${ author( m, s ) }: ${ plainText( m, s ) }`;
	} );
	const head = `${ s.title } — ${ s.code }: ${ code }\n\n`;
	const url = URL.createObjectURL( new Blob( [ head + lines.join( '\n' ) + '\n' ], { type: 'text/plain;charset=utf-8' } ) );
	const a = h( 'a', { href: url, download: `chat-${ code || 'transcript' }.txt`, hidden: true } );
	document.body.append( a );
	a.click();
	a.remove();
	setTimeout( () => URL.revokeObjectURL( url ), 10_000 );
}
