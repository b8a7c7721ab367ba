/**
 * Before a chat exists, the window asks the service (plain HTTP, no cookie)
 * whether anyone is there, and whether the site's assistant would answer
 * first: that decides between the start window and the contact form, and
 * whether the start window says "you are talking to an automatic assistant".
 */
import type { FrontendConfig } from '../contract';

export interface Availability {
	/** `unknown`: the check failed; the chat is offered, and its start reports a service that is down. */
	people: 'online' | 'offline' | 'unknown';
	/** A chat started now would be answered by the assistant first. */
	assistant: boolean;
	/** The site's own bot would answer: the name of the service that receives the messages (the start window says so). */
	bot: string | null;
}

export function checkAvailability( config: FrontendConfig ): Promise< Availability > {
	const url = new URL( `${ config.serviceHttp }/availability` );
	url.searchParams.set( 'site', config.site );
	if ( config.dept ) url.searchParams.set( 'dept', config.dept );
	return fetch( url, { credentials: 'omit' } )
		.then( ( r ) => ( r.ok ? r.json() : Promise.reject( r.status ) ) )
		.then( ( a: { online: boolean; assistant?: boolean; bot?: string } ): Availability => ( {
			people: a.online ? 'online' : 'offline',
			assistant: a.assistant === true,
			bot: typeof a.bot === 'string' && a.bot ? a.bot : null,
		} ) )
		.catch( (): Availability => ( { people: 'unknown', assistant: false, bot: null } ) );
}

/** With nobody there and no assistant to answer, the contact form replaces the start window. */
export function contactInstead( a: Availability ): boolean {
	return a.people === 'offline' && ! a.assistant;
}
