<?php
/**
 * CSV downloads from the plugin's REST routes (the consent log, the
 * statistics): one way to write the cells and one way to serve the file.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * RFC 4180 text, sent as a file by the REST server.
 */
class Csv {
	/**
	 * A CSV document: the header line, then one line per row (CRLF).
	 * Cells starting with = + - @ are prefixed with ' so spreadsheets do not
	 * run them as formulas (a page path or a visitor's choice could start so).
	 *
	 * @param string[] $header Column names.
	 * @param array[]  $rows   Rows, each a list of cells in the header's order.
	 * @return string
	 */
	public static function document( array $header, array $rows ) {
		$lines = array( implode( ',', $header ) );
		foreach ( $rows as $cells ) {
			$lines[] = implode( ',', array_map( array( self::class, 'cell' ), $cells ) );
		}
		return implode( "\r\n", $lines ) . "\r\n";
	}

	/**
	 * One quoted cell.
	 *
	 * @param mixed $cell Value.
	 * @return string
	 */
	private static function cell( $cell ) {
		$cell = (string) $cell;
		if ( preg_match( '/^[=+\-@]/', $cell ) ) {
			$cell = "'" . $cell;
		}
		return '"' . str_replace( '"', '""', $cell ) . '"';
	}

	/**
	 * A REST response that downloads as a file; serve() below sends its body as it is.
	 *
	 * @param string $csv      The document.
	 * @param string $filename The file's name (letters, digits, - _ . only).
	 * @return \WP_REST_Response
	 */
	public static function response( $csv, $filename ) {
		$response = new \WP_REST_Response( $csv );
		$response->header( 'Content-Type', 'text/csv; charset=utf-8' );
		$response->header( 'Content-Disposition', 'attachment; filename="' . sanitize_file_name( $filename ) . '"' );
		$response->header( 'Cache-Control', 'no-store' );
		return $response;
	}

	/**
	 * Filter rest_pre_serve_request: sends a CSV answer of one of our GET
	 * routes as it is, not JSON-encoded as a string.
	 *
	 * @param bool              $served  Whether the request was served already.
	 * @param \WP_HTTP_Response $result  The response.
	 * @param \WP_REST_Request  $request The request.
	 * @return bool
	 */
	public static function serve( $served, $result, $request ) {
		if ( $served || 0 !== strpos( $request->get_route(), '/' . Rest::NAMESPACE . '/' ) || 'GET' !== $request->get_method() ) {
			return $served;
		}
		$headers = $result->get_headers();
		if ( 0 !== strpos( (string) ( $headers['Content-Type'] ?? '' ), 'text/csv' ) || ! is_string( $result->get_data() ) ) {
			return $served;
		}
		echo $result->get_data(); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- CSV, quoted by document(); not HTML.
		return true;
	}
}
