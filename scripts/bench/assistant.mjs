#!/usr/bin/env node
/**
 * The assistant's line of the bench (`npm run bench:assistant`; `npm run
 * bench` runs it after the relay's figures): the service-side answer time
 * and the time to rebuild a site's indexes, on the BUILT code
 * (build/server/assistant), in this process alone.
 *
 * Content: 1,000 answers in English and 1,000 in German, each with a title,
 * 3-5 example questions and a few sentences of answer, made by a seeded
 * generator from a shop's and a service's vocabulary (the same content on
 * every run). Queries: a few thousand, of five kinds: an example question
 * reworded (a word dropped, words reordered), with a typo, a few keywords,
 * a long rambling message, and words that are in no answer. Each match is
 * timed alone (process.hrtime.bigint); a rebuild is parse-free (the content
 * is checked once, as the service would on receiving it) and timed whole.
 *
 * Options: --no-build  --queries=4000  --rebuilds=7
 * Targets (issue 18): match p99 ≤ 5 ms; rebuild ≤ 200 ms.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire( import.meta.url );
const ROOT = fileURLToPath( new URL( '../..', import.meta.url ) );
const TARGETS = { matchP99Ms: 5, rebuildMs: 200 };

const args = Object.fromEntries( process.argv.slice( 2 ).map( ( a ) => a.replace( /^--/, '' ).split( '=' ) ).map( ( [ k, v ] ) => [ k, v ?? true ] ) );
const QUERIES = Number( args.queries ?? 4000 );
const REBUILDS = Number( args.rebuilds ?? 7 );

/* ------------------------------------------------------------------ */
/* Seeded content                                                       */
/* ------------------------------------------------------------------ */

/** mulberry32: small, fast, and the same sequence for the same seed. */
function rng( seed ) {
	let a = seed >>> 0;
	return () => {
		a = ( a + 0x6d2b79f5 ) >>> 0;
		let t = Math.imul( a ^ ( a >>> 15 ), 1 | a );
		t = ( t + Math.imul( t ^ ( t >>> 7 ), 61 | t ) ) ^ t;
		return ( ( t ^ ( t >>> 14 ) ) >>> 0 ) / 4294967296;
	};
}

const LANGS = {
	en_US: {
		things: 'order parcel invoice refund voucher gift card account password newsletter subscription delivery shipment return exchange warranty repair battery charger cable screen laptop phone tablet printer headphones camera lens sofa table chair mattress pillow blanket lamp curtain carpet shelf wardrobe bicycle helmet tyre jacket shoes boots dress shirt trousers size colour fabric leather cotton discount coupon price receipt payment instalment bank transfer credit PayPal loyalty points membership appointment booking reservation table room ticket seat event course workshop lesson teacher certificate exam registration parking entrance opening hours holiday branch store warehouse pickup locker address phone number email complaint feedback review cookie privacy data deletion consent app update login'.split( ' ' ),
		verbs: 'order cancel change return exchange track pay refund book reserve register delete update reset repair replace collect deliver ship redeem download install activate renew extend upgrade downgrade unsubscribe contact complain find'.split( ' ' ),
		aspects: 'How to|Cost of|Problems with|Changing your|Cancelling your|Paying for|Returning your|Tracking your|Help with|Questions about'.split( '|' ),
		templates: [
			'How do I {v} my {t}?',
			'Can I {v} the {t} online?',
			'What does the {t} cost?',
			'Is it possible to {v} a {t} after {t2}?',
			'Where can I {v} my {t}?',
			'How long does it take to {v} a {t}?',
			'Why can\'t I {v} my {t}?',
			'Do you {v} {t} to other countries?',
		],
		sentences: [ 'You can {v} your {t} in your account at any time.', 'The {t} is free of charge for members.', 'Please keep your {t} and your {t2} ready.', 'It usually takes two to three working days.', 'Our team will {v} the {t} as soon as possible.', 'See the [help page](https://shop.example/help/{t}) for details.' ],
		noise: 'quantum giraffe volcano symphony nebula origami tundra saxophone labyrinth meteor'.split( ' ' ),
		fillers: 'hello hi please thanks so basically actually I was wondering whether you could maybe tell me something because yesterday my friend said'.split( ' ' ),
	},
	de_DE: {
		things: 'Bestellung Paket Rechnung Erstattung Gutschein Geschenkkarte Konto Passwort Newsletter Abonnement Lieferung Sendung Rücksendung Umtausch Garantie Reparatur Akku Ladegerät Kabel Bildschirm Laptop Handy Tablet Drucker Kopfhörer Kamera Objektiv Sofa Tisch Stuhl Matratze Kissen Decke Lampe Vorhang Teppich Regal Kleiderschrank Fahrrad Helm Reifen Jacke Schuhe Stiefel Kleid Hemd Hose Größe Farbe Stoff Leder Baumwolle Rabatt Gutscheincode Preis Quittung Zahlung Ratenzahlung Überweisung Kreditkarte PayPal Treuepunkte Mitgliedschaft Termin Buchung Reservierung Zimmer Eintrittskarte Sitzplatz Veranstaltung Kurs Workshop Unterricht Lehrer Zertifikat Prüfung Anmeldung Parkplatz Eingang Öffnungszeiten Feiertag Filiale Geschäft Lager Abholung Packstation Adresse Telefonnummer E-Mail Beschwerde Rückmeldung Bewertung Cookies Datenschutz Daten Löschung Einwilligung App Aktualisierung'.split( ' ' ),
		verbs: 'bestellen stornieren ändern zurückschicken umtauschen verfolgen bezahlen erstatten buchen reservieren anmelden löschen aktualisieren zurücksetzen reparieren ersetzen abholen liefern versenden einlösen herunterladen installieren aktivieren verlängern kündigen abmelden erreichen beschweren finden'.split( ' ' ),
		aspects: 'So geht|Kosten für|Probleme mit|Ändern:|Stornieren:|Bezahlen:|Rücksendung:|Verfolgen:|Hilfe zu|Fragen zu'.split( '|' ),
		templates: [
			'Wie kann ich meine {t} {v}?',
			'Kann ich die {t} online {v}?',
			'Was kostet die {t}?',
			'Ist es möglich, die {t} nach der {t2} zu {v}?',
			'Wo kann ich meine {t} {v}?',
			'Wie lange dauert es, eine {t} zu {v}?',
			'Warum kann ich meine {t} nicht {v}?',
			'Könnt ihr {t} ins Ausland {v}?',
		],
		sentences: [ 'Sie können Ihre {t} jederzeit im Kundenkonto {v}.', 'Die {t} ist für Mitglieder kostenlos.', 'Bitte halten Sie {t} und {t2} bereit.', 'Das dauert meist zwei bis drei Werktage.', 'Unser Team wird die {t} so schnell wie möglich {v}.', 'Mehr dazu auf der [Hilfeseite](https://shop.example/hilfe/{t}).' ],
		noise: 'Quantenphysik Giraffe Vulkan Sinfonie Nebel Origami Tundra Saxophon Labyrinth Meteor'.split( ' ' ),
		fillers: 'hallo bitte danke also eigentlich ich wollte mal fragen ob ihr mir vielleicht sagen könnt weil gestern mein Freund meinte dass'.split( ' ' ),
	},
};

function makeContent( perLocale, seed ) {
	const random = rng( seed );
	const pick = ( xs ) => xs[ Math.floor( random() * xs.length ) ];
	const fill = ( s, L, t, v ) => s.replace( '{t}', t ).replace( '{t2}', pick( L.things ) ).replace( '{v}', v ).replace( '{t}', t );
	const locales = {};
	for ( const [ locale, L ] of Object.entries( LANGS ) ) {
		const answers = [];
		for ( let i = 0; i < perLocale; i++ ) {
			// Each answer is about one or two things and one or two actions: answers overlap, as real ones do.
			const t = [ pick( L.things ), pick( L.things ) ];
			const v = [ pick( L.verbs ), pick( L.verbs ) ];
			const questions = Array.from( { length: 3 + Math.floor( random() * 3 ) }, () => fill( pick( L.templates ), L, pick( t ), pick( v ) ) );
			const answer = Array.from( { length: 2 + Math.floor( random() * 3 ) }, () => fill( pick( L.sentences ), L, pick( t ), pick( v ) ) ).join( ' ' );
			answers.push( { id: `${ locale.slice( 0, 2 ) }-${ i }`, title: `${ pick( L.aspects ) } ${ t[ 0 ] }`, questions, answer } );
		}
		locales[ locale ] = { answers };
	}
	return { locales };
}

function makeQueries( content, count, seed ) {
	const random = rng( seed );
	const pick = ( xs ) => xs[ Math.floor( random() * xs.length ) ];
	const words = ( s ) => s.split( /\s+/ ).filter( Boolean );
	const typo = ( w ) => {
		if ( w.length < 4 ) return w;
		const i = 1 + Math.floor( random() * ( w.length - 2 ) );
		return w.slice( 0, i ) + w.slice( i + 1 );
	};
	const kinds = {
		reworded: ( L, a ) => {
			const ws = words( pick( a.questions ) );
			ws.splice( Math.floor( random() * ws.length ), 1 );
			return ws.reverse().join( ' ' );
		},
		typo: ( L, a ) => words( pick( a.questions ) ).map( ( w ) => ( random() < 0.4 ? typo( w ) : w ) ).join( ' ' ),
		keywords: ( L ) => `${ pick( L.things ) } ${ pick( L.verbs ) }`,
		long: ( L, a ) => [ ...Array.from( { length: 20 }, () => pick( L.fillers ) ), ...words( pick( a.questions ) ), ...Array.from( { length: 10 }, () => pick( L.fillers ) ) ].join( ' ' ),
		unknown: ( L ) => `${ pick( L.noise ) } ${ pick( L.noise ) } ${ pick( L.noise ) }?`,
	};
	const queries = [];
	const locales = Object.keys( content.locales );
	for ( let i = 0; i < count; i++ ) {
		const locale = locales[ i % locales.length ];
		const kind = Object.keys( kinds )[ Math.floor( i / locales.length ) % 5 ];
		const a = pick( content.locales[ locale ].answers );
		queries.push( { locale, kind, text: kinds[ kind ]( LANGS[ locale ], a ) } );
	}
	return queries;
}

/* ------------------------------------------------------------------ */
/* Measure                                                              */
/* ------------------------------------------------------------------ */

const ms = ( ns ) => Number( ns ) / 1e6;
const quantile = ( sorted, q ) => sorted[ Math.min( sorted.length - 1, Math.floor( q * sorted.length ) ) ];
const fmt = ( x ) => ( x < 1 ? x.toFixed( 3 ) : x.toFixed( 1 ) );

export function benchAssistant( { queries: queryCount = QUERIES, rebuilds = REBUILDS } = {} ) {
	const { AssistantIndexes, parseAssistantContent } = require( join( ROOT, 'build/server/assistant/index.js' ) );
	const raw = makeContent( 1000, 18 );
	let t0 = process.hrtime.bigint();
	const parsed = parseAssistantContent( raw );
	const parseMs = ms( process.hrtime.bigint() - t0 );
	if ( ! parsed.ok ) throw new Error( `generated content is invalid at ${ parsed.path }: ${ parsed.message }` );

	// Rebuilds: one to warm up, then the median of several.
	const indexes = new AssistantIndexes( parsed.content );
	const rebuildTimes = [];
	for ( let i = 0; i < rebuilds; i++ ) {
		t0 = process.hrtime.bigint();
		indexes.rebuild( parsed.content );
		rebuildTimes.push( ms( process.hrtime.bigint() - t0 ) );
	}
	rebuildTimes.sort( ( a, b ) => a - b );

	const queries = makeQueries( raw, queryCount, 1818 );
	for ( const q of queries.slice( 0, 300 ) ) indexes.match( q.locale, q.text ); // JIT warm-up
	const times = [];
	/** Per kind of query: how many got each kind of match, and their times. */
	const kinds = {};
	for ( const q of queries ) {
		t0 = process.hrtime.bigint();
		const m = indexes.match( q.locale, q.text );
		const t = ms( process.hrtime.bigint() - t0 );
		times.push( t );
		const k = ( kinds[ q.kind ] ??= { times: [], outcomes: {} } );
		k.times.push( t );
		k.outcomes[ m.kind ] = ( k.outcomes[ m.kind ] ?? 0 ) + 1;
	}
	times.sort( ( a, b ) => a - b );
	// The worst a visitor can send: a message of the longest length, every word a different long one.
	const longest = [];
	for ( const locale of Object.keys( raw.locales ) ) {
		const random = rng( 7 );
		const words = [];
		while ( words.join( ' ' ).length < 3990 ) {
			const w = LANGS[ locale ].things[ Math.floor( random() * LANGS[ locale ].things.length ) ];
			words.push( w + String.fromCharCode( 97 + Math.floor( random() * 26 ) ) + String.fromCharCode( 97 + Math.floor( random() * 26 ) ) );
		}
		const text = words.join( ' ' ).slice( 0, 4000 );
		t0 = process.hrtime.bigint();
		indexes.match( locale, text );
		longest.push( ms( process.hrtime.bigint() - t0 ) );
	}
	for ( const k of Object.values( kinds ) ) {
		k.times.sort( ( a, b ) => a - b );
		k.p99 = quantile( k.times, 0.99 );
		delete k.times;
	}
	return {
		answers: Object.values( parsed.content.locales ).reduce( ( n, l ) => n + l.answers.length, 0 ),
		locales: Object.keys( parsed.content.locales ),
		queries: times.length,
		p50: quantile( times, 0.5 ),
		p99: quantile( times, 0.99 ),
		max: times[ times.length - 1 ],
		rebuildMedian: quantile( rebuildTimes, 0.5 ),
		rebuildMax: rebuildTimes[ rebuildTimes.length - 1 ],
		rebuilds,
		parseMs,
		kinds,
		longestMs: Math.max( ...longest ),
	};
}

function main() {
	if ( ! args[ 'no-build' ] ) {
		process.stderr.write( 'building the service (tsc -p server/tsconfig.build.json)…\n' );
		execFileSync( process.execPath, [ join( ROOT, 'node_modules/typescript/bin/tsc' ), '-p', 'server/tsconfig.build.json' ], { cwd: ROOT, stdio: 'inherit' } );
	}
	const r = benchAssistant();
	const verdict = ( ok ) => ( ok ? 'PASS' : 'MISS' );
	console.log( `\nAssistant (${ r.answers } answers: 1,000 each in ${ r.locales.join( ', ' ) }; ${ r.queries } queries; node ${ process.version }; load average ${ os.loadavg()[ 0 ].toFixed( 2 ) } on ${ os.cpus().length } CPUs)` );
	console.log( `  ${ verdict( r.p99 <= TARGETS.matchP99Ms ) }  match p99 ≤ ${ TARGETS.matchP99Ms } ms   got p50 ${ fmt( r.p50 ) } ms, p99 ${ fmt( r.p99 ) } ms (max ${ fmt( r.max ) } ms)` );
	console.log( `  ${ verdict( r.rebuildMedian <= TARGETS.rebuildMs ) }  rebuild ≤ ${ TARGETS.rebuildMs } ms   got median ${ fmt( r.rebuildMedian ) } ms of ${ r.rebuilds } (max ${ fmt( r.rebuildMax ) } ms); checking the content first: ${ fmt( r.parseMs ) } ms` );
	console.log( `  a longest message (4,000 characters, every word different): ${ fmt( r.longestMs ) } ms` );
	console.log( '  by kind of query (p99; outcomes):' );
	for ( const [ kind, k ] of Object.entries( r.kinds ) ) {
		console.log( `    ${ kind.padEnd( 9 ) } ${ fmt( k.p99 ).padStart( 6 ) } ms; ${ Object.entries( k.outcomes ).map( ( [ o, n ] ) => `${ o } ${ n }` ).join( ', ' ) }` );
	}
}

if ( process.argv[ 1 ] && fileURLToPath( import.meta.url ) === process.argv[ 1 ] ) main();
