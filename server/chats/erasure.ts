/**
 * Deleting chats on request: by the visitor's code, by WordPress's personal
 * data eraser (an e-mail address), and when a site's retention period has
 * passed. A running chat is ended first, so its connections hear of it;
 * chats the site keeps as records stay, and say so.
 */
import { hashCode, normaliseCode } from '../chat-code';
import type { ChatRecord } from '../store/types';
import type { Core } from './core';

export type DeleteResult = 'deleted' | 'not_found' | 'kept';

export class Erasure {
	constructor( private readonly core: Core ) {}

	/** The visitor's "delete my chat" with its code: ends it if running, then deletes it. */
	async deleteByCode( site: string, rawCode: string ): Promise< DeleteResult > {
		const code = normaliseCode( rawCode );
		const record = code ? await this.core.store.findByCode( site, hashCode( code ) ) : undefined;
		if ( ! record ) return 'not_found';
		if ( record.keep ) return 'kept';
		await this.delete( record );
		return 'deleted';
	}

	/**
	 * WordPress's personal data eraser: every contact-form submission and
	 * stored chat tied to this e-mail address goes, except chats the site keeps
	 * as records (counted, so WordPress can tell the admin why).
	 */
	async eraseByEmail( site: string, email: string ): Promise< { contacts: number; chats: number; retained: number } > {
		const { store, log } = this.core;
		const found = await store.findByEmail( site, email );
		let chats = 0;
		let retained = 0;
		for ( const record of found.chats ) {
			if ( record.keep ) {
				retained++;
				continue;
			}
			await this.delete( record );
			chats++;
		}
		for ( const contact of found.contacts ) await store.deleteContact( contact.id );
		if ( chats + found.contacts.length > 0 ) log.info( { chats, contacts: found.contacts.length }, 'personal data erased' );
		return { contacts: found.contacts.length, chats, retained };
	}

	/**
	 * Deletes closed chats past their site's retention period (except kept
	 * ones): every site's on the periodic run, one site's when that site asks.
	 */
	async purgeExpired( onlySite?: string ): Promise< number > {
		const { store, log, sites, now } = this.core;
		let total = 0;
		// Once per cluster: a node that finds another node's run going on leaves it to that one.
		await store.exclusive( 'retention', async () => {
			for ( const site of sites.values() ) {
				if ( onlySite !== undefined && site.id !== onlySite ) continue;
				total += await store.purgeClosedBefore( site.id, now() - site.retentionDays * 86_400_000 );
			}
		} );
		if ( total > 0 ) log.info( { deleted: total }, 'retention: chats deleted' );
		return total;
	}

	private async delete( record: ChatRecord ): Promise< void > {
		const chat = this.core.chats.get( record.id );
		if ( chat ) await this.core.lifecycle.end( chat );
		await this.core.store.deleteChat( record.id );
	}
}
