/**
 * A site's policy, changed through one node, in force on every node.
 * WordPress sends a policy to whichever node the load balancer picks; that
 * node saves it in PostgreSQL (site-policy.ts) and says so on the bus; the
 * others read it back from PostgreSQL. The bus carries only the site's id:
 * the policy itself is read from the store, the one place it is kept.
 * After Redis was away, every site is read again: a word may have been lost.
 */
import * as v from 'valibot';
import type { Logger } from '../log';
import type { SitePolicies } from '../site-policy';
import { busChannel, type NodeBus } from './bus';

const POLICIES = busChannel( 'policies', v.object( { type: v.literal( 'saved' ), site: v.string() } ) );

export async function syncPolicies( bus: NodeBus, policies: SitePolicies, log: Logger ): Promise< () => Promise< void > > {
	const refresh = ( site?: string ): void => {
		policies.refresh( site ).catch( ( e: unknown ) => log.warn( { err: e, site }, 'a site policy changed on another node could not be read' ) );
	};
	const unsubscribe = await bus.subscribe( POLICIES, ( m ) => refresh( m.site ) );
	policies.onSaved( ( site ) => {
		bus.publish( POLICIES, { type: 'saved', site } ).catch( ( e: unknown ) => log.warn( { err: e, site }, 'the other nodes could not be told of a new site policy' ) );
	} );
	bus.on( 'reconnected', () => refresh() );
	return unsubscribe;
}
