/**
 * The settings screen's calls to WordPress (cookie login and the REST nonce
 * come with @wordpress/api-fetch), and the translation of a refusal into
 * messages per field.
 */
import apiFetch from '@wordpress/api-fetch';
import { __ } from '@wordpress/i18n';
import type { Submission } from './draft';
import type { Agent, FieldErrors, SettingsData } from './types';

const BASE = '/consent-chat/v1';

export function loadSettings(): Promise< SettingsData > {
	return apiFetch< SettingsData >( { path: `${ BASE }/settings` } );
}

export function saveSettings( draft: Submission ): Promise< SettingsData > {
	return apiFetch< SettingsData >( { path: `${ BASE }/settings`, method: 'POST', data: draft } );
}

/**
 * What a connection test found. `full`: the service accepted the site id and
 * secret. `reachable`: an address other than the saved one, tested without a
 * secret typed for it, so only its public /health was asked (the saved secret
 * goes only to the saved address).
 */
export type ConnectionResult =
	| {
			ok: true;
			checked: 'full';
			milliseconds: number;
			site: string;
			openChats: number;
			agentsOnline: number;
			policyInSync: boolean;
	  }
	| { ok: true; checked: 'reachable'; milliseconds: number };

export function testConnection( connection: { serviceUrl: string; siteId: string; secret: string } ): Promise< ConnectionResult > {
	return apiFetch< ConnectionResult >( {
		path: `${ BASE }/settings/test-connection`,
		method: 'POST',
		data: connection,
	} );
}

export function loadAgents(): Promise< Agent[] > {
	return apiFetch< Agent[] >( { path: `${ BASE }/agents` } );
}

export function updateAgent( id: number, changes: Partial< Pick< Agent, 'depts' | 'maxChats' > > & { agent?: boolean } ): Promise< Agent > {
	return apiFetch< Agent >( { path: `${ BASE }/agents/${ id }`, method: 'POST', data: changes } );
}

export interface UserMatch {
	id: number;
	name: string;
	slug: string;
}

export function searchUsers( search: string ): Promise< UserMatch[] > {
	const query = new URLSearchParams( { search, per_page: '20', context: 'edit', _fields: 'id,name,slug' } );
	return apiFetch< UserMatch[] >( { path: `/wp/v2/users?${ query.toString() }` } );
}

/** A refusal from the REST API, made readable: a summary and, where known, a message per field. */
export interface Refusal {
	message: string;
	fields: FieldErrors;
}

export function refusalOf( error: unknown ): Refusal {
	const e = ( typeof error === 'object' && error !== null ? error : {} ) as {
		message?: unknown;
		data?: { errors?: Array< { field?: unknown; message?: unknown } >; params?: Record< string, unknown > };
	};
	const fields: FieldErrors = {};
	for ( const item of e.data?.errors ?? [] ) {
		if ( typeof item.field === 'string' && typeof item.message === 'string' && ! fields[ item.field ] ) {
			fields[ item.field ] = item.message;
		}
	}
	// WordPress's own argument validation (rest_invalid_param) names the parameter.
	for ( const [ param, message ] of Object.entries( e.data?.params ?? {} ) ) {
		if ( typeof message === 'string' ) fields[ param ] = message;
	}
	const message = typeof e.message === 'string' && e.message ? e.message : __( 'The request failed. Please try again.', 'consent-chat' );
	return { message, fields };
}
