/**
 * A site's assistant, sent to one node, in force on every node (as
 * policy-sync.ts does for the storage policy): the node that got
 * `PUT /admin/assistant` saves it in PostgreSQL and says so on the bus; the
 * others read it back and rebuild their indexes. The bus carries only the
 * site's id, never the content. After Redis was away, every site is read again.
 */
import * as v from 'valibot';
import type { SiteAssistants } from '../assistant/site-assistants';
import type { Logger } from '../log';
import { busChannel, type NodeBus } from './bus';

const ASSISTANTS = busChannel( 'assistants', v.object( { type: v.literal( 'saved' ), site: v.string() } ) );

export async function syncAssistants( bus: NodeBus, assistants: SiteAssistants, log: Logger ): Promise< () => Promise< void > > {
	const refresh = ( site?: string ): void => {
		assistants.refresh( site ).catch( ( e: unknown ) => log.warn( { err: e, site }, 'an assistant changed on another node could not be read' ) );
	};
	const unsubscribe = await bus.subscribe( ASSISTANTS, ( m ) => refresh( m.site ) );
	assistants.onSaved( ( site ) => {
		bus.publish( ASSISTANTS, { type: 'saved', site } ).catch( ( e: unknown ) => log.warn( { err: e, site }, 'the other nodes could not be told of a new assistant' ) );
	} );
	bus.on( 'reconnected', () => refresh() );
	return unsubscribe;
}
