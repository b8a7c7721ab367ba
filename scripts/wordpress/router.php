<?php
/**
 * Router for PHP's built-in web server (`php -S … router.php`, started by
 * scripts/wordpress/php.mjs): what a WordPress site's .htaccess or nginx `try_files` does.
 * An existing file is served as it is (a .php file is run), a directory runs its index.php, and
 * everything else goes to WordPress's index.php, so pretty permalinks and /wp-json/ work.
 *
 * Without this router the built-in server would, for a path that does not exist, run the
 * index.php of the nearest parent folder (e.g. wp-admin/index.php for /wp-admin/nothing) with
 * the rest as PATH_INFO, which no real web server does.
 */

$consent_chat_root = rtrim( $_SERVER['DOCUMENT_ROOT'], '/' );
$consent_chat_path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );

// Never a dotfile or a path through one: the SQLite database is wp-content/database/.ht.sqlite,
// which a real site's server refuses too (the SQLite integration writes an .htaccess for Apache).
if ( preg_match( '#(^|/)\.#', $consent_chat_path ) || false !== strpos( $consent_chat_path, "\0" ) ) {
	http_response_code( 403 );
	return true;
}

$consent_chat_file = $consent_chat_root . $consent_chat_path;
if ( is_file( $consent_chat_file ) ) {
	return false; // The server sends the file with its MIME type, or runs it if it is PHP.
}
if ( is_file( rtrim( $consent_chat_file, '/' ) . '/index.php' ) ) {
	if ( '/' !== substr( $consent_chat_path, -1 ) ) {
		// As Apache's mod_dir does: wp-admin's relative links need the trailing slash.
		$consent_chat_query = parse_url( $_SERVER['REQUEST_URI'], PHP_URL_QUERY );
		header( 'Location: ' . $consent_chat_path . '/' . ( null === $consent_chat_query ? '' : '?' . $consent_chat_query ), true, 301 );
		return true;
	}
	return false;
}

// WordPress's front controller, with the server variables a real server would give it.
$_SERVER['SCRIPT_FILENAME'] = $consent_chat_root . '/index.php';
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
unset( $_SERVER['PATH_INFO'], $_SERVER['PATH_TRANSLATED'] );
chdir( $consent_chat_root );
require $consent_chat_root . '/index.php';
