/**
 * Loads the statistics of a range through WordPress (never from the chat
 * service directly: the browser holds no service credentials). A newer
 * range aborts the request for the older one, so a slow answer cannot
 * overwrite a newer one.
 */
import apiFetch from '@wordpress/api-fetch';
import { useEffect, useState } from '@wordpress/element';
import { errorMessage } from './format';
import { parseStats, type StatsData } from './stats-data';

export interface Range {
	from: string;
	to: string;
}

export type StatsState = { status: 'loading' } | { status: 'ready'; data: StatsData } | { status: 'error'; message: string };

export function useStats( path: string, range: Range, attempt: number ): StatsState {
	const [ state, setState ] = useState< StatsState >( { status: 'loading' } );
	useEffect( () => {
		const controller = new AbortController();
		setState( { status: 'loading' } );
		const query = new URLSearchParams( { from: range.from, to: range.to } );
		apiFetch< unknown >( { path: `${ path }?${ query.toString() }`, signal: controller.signal } )
			.then( ( raw ) => {
				const data = parseStats( raw );
				setState( data ? { status: 'ready', data } : { status: 'error', message: errorMessage( null ) } );
			} )
			.catch( ( e: unknown ) => {
				if ( ! controller.signal.aborted ) setState( { status: 'error', message: errorMessage( e ) } );
			} );
		return () => controller.abort();
	}, [ path, range.from, range.to, attempt ] );
	return state;
}
