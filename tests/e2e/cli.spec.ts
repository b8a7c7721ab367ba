/**
 * `wp consent-chat …` against the real chat service. WP-CLI itself cannot be
 * fetched on these machines (it is a download), so the command class runs in
 * a real WordPress (its own fresh site, configured like the test site) with
 * a minimal stand-in for WP-CLI's output functions, as WP-CLI would call it.
 */
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestClient } from '../helpers/ws-client';
import { env } from './env';
import { withFreshSite } from './fresh-site';

interface Run {
	ok: boolean;
	out?: string[];
	error?: string;
}

test( 'status, purge, delete <code> and stats talk to the service; bad input ends with a clear error', async () => {
	test.setTimeout( 180_000 );
	// A chat to delete by its code.
	const ticket = ( await ( await fetch( `${ env.wpUrl }/?rest_route=/consent-chat/v1/visitor-token`, { method: 'POST' } ) ).json() ) as { token: string; service: string };
	const visitor = await TestClient.open( ticket.service, env.wpUrl );
	visitor.send( { type: 'hello', token: ticket.token } );
	await visitor.next( 'welcome' );
	visitor.send( { type: 'start', clientId: 'cli1', text: 'Delete me from the command line' } );
	const { code, chat } = await visitor.next( 'started' );

	try {
		await withFreshSite( 'cli', async ( site ) => {
			const secret = readFileSync( join( process.env.CC_DATA_DIR!, 'shared-secret' ), 'utf8' ).trim();
			const code_ = JSON.stringify( code );
			const php = `<?php
namespace WP_CLI\\Utils {
	function format_items( $format, $items, $fields ) { \\WP_CLI::$out[] = json_encode( array( $format, $items, $fields ) ); }
}
namespace {
	class WP_CLI {
		public static $out = array();
		public static function log( $m ) { self::$out[] = $m; }
		public static function success( $m ) { self::$out[] = 'Success: ' . $m; }
		public static function error( $m ) { throw new RuntimeException( $m ); }
	}
	require './wp-load.php';
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	activate_plugin( 'consent-chat/plugin.php' );
	update_option( 'consent_chat_secret', ${ JSON.stringify( secret ) } );
	update_option( 'consent_chat_site_id', 'demo' );
	update_option( 'consent_chat_service_url', ${ JSON.stringify( ticket.service ) } );
	$cli = new ConsentChat\\CLI();
	$run = function ( $fn ) {
		WP_CLI::$out = array();
		try {
			$fn();
			return array( 'ok' => true, 'out' => WP_CLI::$out );
		} catch ( RuntimeException $e ) {
			return array( 'ok' => false, 'error' => $e->getMessage() );
		}
	};
	echo json_encode( array(
		'status'         => $run( function () use ( $cli ) { $cli->status(); } ),
		'purge'          => $run( function () use ( $cli ) { $cli->purge(); } ),
		'delete_empty'   => $run( function () use ( $cli ) { $cli->delete( array() ); } ),
		'delete_unknown' => $run( function () use ( $cli ) { $cli->delete( array( '0000-0000-0000' ) ); } ),
		'delete'         => $run( function () use ( $cli ) { $cli->delete( array( strtolower( ${ code_ } ) ) ); } ),
		'stats'          => $run( function () use ( $cli ) { $cli->stats( array(), array( 'format' => 'json' ) ); } ),
		'stats_bad'      => $run( function () use ( $cli ) { $cli->stats( array(), array( 'from' => 'last week' ) ); } ),
	) );
}
`;
			const result = await site.php( php );
			expect( result.exitCode, result.stderr ).toBe( 0 );
			const r = JSON.parse( result.stdout.slice( result.stdout.indexOf( '{"status"' ) ) ) as Record< string, Run >;

			expect( r.status.ok ).toBe( true );
			expect( r.status.out ).toEqual( expect.arrayContaining( [ 'Site id:          demo', 'Success: The chat service answers.' ] ) );
			expect( r.status.out!.find( ( l ) => l.startsWith( 'Open chats:' ) ) ).toMatch( /Open chats:\s+[1-9]/ );
			expect( r.purge ).toEqual( { ok: true, out: [ expect.stringMatching( /^Success: Deleted \d+ chat\(s\) past the retention period\.$/ ) ] } );
			expect( r.delete_empty ).toEqual( { ok: false, error: expect.stringContaining( 'Give the chat code' ) } );
			expect( r.delete_unknown ).toEqual( { ok: false, error: expect.stringContaining( 'no chat with that code' ) } );
			expect( r.delete ).toEqual( { ok: true, out: [ 'Success: The chat and its history are deleted.' ] } );
			const [ format, rows ] = JSON.parse( r.stats.out![ 0 ] ) as [ string, Array< { kind: string; count: number } > ];
			expect( format ).toBe( 'json' );
			expect( rows.filter( ( row ) => row.kind === 'chat_started' ).reduce( ( n, row ) => n + row.count, 0 ) ).toBeGreaterThan( 0 );
			expect( r.stats_bad ).toEqual( { ok: false, error: '--from must be a date like 2026-11-01.' } );

			// The visitor's chat is gone at the service: it was ended, and its code finds nothing now.
			await visitor.next( 'message', ( m ) => m.chatId === chat.id && m.event === 'ended' );
		} );
	} finally {
		visitor.close();
	}
} );
