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
}

export function checkAvailability( config: FrontendConfig ): Promise< Availability > {
	const url = new URL( `${ config.serviceHttp }/availability` );
	url.searchParams.set( 'site', config.site );
	if ( config.dept ) url.searchParams.set( 'dept', config.dept );
	return fetch( url, { credentials: 'omit' } )
		.then( ( r ) => ( r.ok ? r.json() : Promise.reject( r.status ) ) )
		.then( ( a: { online: boolean; assistant?: boolean } ): Availability => ( { people: a.online ? 'online' : 'offline', assistant: a.assistant === true } ) )
		.catch( (): Availability => ( { people: 'unknown', assistant: false } ) );
}

/** With nobody there and no assistant to answer, the contact form replaces the start window. */
export function contactInstead( a: Availability ): boolean {
	return a.people === 'offline' && ! a.assistant;
}
