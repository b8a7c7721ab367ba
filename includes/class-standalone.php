<?php
/**
 * The standalone chat page for native apps' WebViews and direct links:
 * home_url( '/?consent-chat=standalone&site=…' ), configured by URL
 * parameters, printed without the theme.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Parameters: site (required, the site's id), from (shown to the agent),
 * direct=1 (no pre-chat form), dept, chat + code (pick up a running chat),
 * lang (one of the configured languages).
 */
class Standalone {
	const QUERY_VAR = 'consent-chat';
	const PAGE      = 'standalone';

	/** Longest `from` the service accepts. */
	const FROM_MAX = 200;

	/** Chat codes: 12 Crockford base32 characters (see server/chat-code.ts). */
	const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

	/**
	 * The URL of the standalone page.
	 *
	 * @param array $args More parameters (from, direct, dept, chat, code, lang).
	 * @return string
	 */
	public static function url( array $args = array() ) {
		return add_query_arg(
			array_map(
				'rawurlencode',
				array_merge(
					array(
						self::QUERY_VAR => self::PAGE,
						'site'          => Settings::site_id(),
					),
					$args
				)
			),
			home_url( '/' )
		);
	}

	/**
	 * Filter query_vars: WordPress keeps our parameter.
	 *
	 * @param string[] $vars Public query variables.
	 * @return string[]
	 */
	public static function query_vars( $vars ) {
		$vars[] = self::QUERY_VAR;
		return $vars;
	}

	/**
	 * Action template_redirect: serves the page and ends the request.
	 */
	public static function maybe_render() {
		if ( self::PAGE !== get_query_var( self::QUERY_VAR ) ) {
			return;
		}
		// phpcs:ignore WordPress.Security.NonceVerification.Recommended -- a public page configured by its URL; nothing is changed.
		$params = wp_unslash( $_GET );
		$result = self::parse( is_array( $params ) ? $params : array() );
		if ( is_wp_error( $result ) ) {
			self::error_page( $result->get_error_message() );
		} else {
			self::page( $result );
		}
		exit;
	}

	/**
	 * Validates the URL parameters.
	 *
	 * @param array $params Unslashed $_GET.
	 * @return array|\WP_Error Block-like attributes plus lang, or what is wrong.
	 */
	public static function parse( array $params ) {
		$get = static function ( $key ) use ( $params ) {
			return isset( $params[ $key ] ) && is_string( $params[ $key ] ) ? trim( $params[ $key ] ) : '';
		};

		$site = $get( 'site' );
		if ( '' === $site ) {
			return new \WP_Error( 'consent_chat_no_site', __( 'This chat link is incomplete: the parameter “site” is missing.', 'consent-chat' ) );
		}
		if ( Settings::site_id() !== $site ) {
			return new \WP_Error( 'consent_chat_wrong_site', __( 'This chat link is for another site: the parameter “site” does not match this site.', 'consent-chat' ) );
		}

		$dept = $get( 'dept' );
		if ( '' !== $dept && ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $dept ) ) {
			return new \WP_Error( 'consent_chat_bad_dept', __( 'This chat link is not valid: the department (“dept”) may contain only letters, digits, “-” and “_”.', 'consent-chat' ) );
		}

		$resume = null;
		$chat   = $get( 'chat' );
		$code   = $get( 'code' );
		if ( '' !== $chat || '' !== $code ) {
			$normal = self::normalise_code( $code );
			if ( ! preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $chat ) || null === $normal ) {
				return new \WP_Error( 'consent_chat_bad_resume', __( 'This chat link is not valid: to continue a chat it needs both “chat” (the chat’s id) and “code” (the chat code, like ABCD-EFGH-JKMN).', 'consent-chat' ) );
			}
			$resume = array(
				'chatId' => $chat,
				'code'   => implode( '-', str_split( $normal, 4 ) ),
			);
		}

		$from = Plain_Text::line( $get( 'from' ) );
		$from = function_exists( 'mb_substr' ) ? mb_substr( $from, 0, self::FROM_MAX ) : substr( $from, 0, self::FROM_MAX );

		$languages = self::languages();
		$lang      = $get( 'lang' );

		return array(
			'display'    => 'inline',
			'dept'       => $dept,
			'direct'     => '1' === $get( 'direct' ) || 'true' === $get( 'direct' ),
			'from'       => $from,
			'lang'       => isset( $languages[ $lang ] ) ? $lang : '',
			'standalone' => array_filter(
				array(
					'resume'    => $resume,
					'languages' => $languages,
				),
				static function ( $v ) {
					return null !== $v;
				}
			),
		);
	}

	/**
	 * A chat code as people type it, normalised like the service does
	 * (any case, dashes and spaces, O→0, I/L→1); null if it cannot be one.
	 *
	 * @param string $input Typed code.
	 * @return string|null Twelve characters without dashes.
	 */
	public static function normalise_code( $input ) {
		$code = strtr( (string) preg_replace( '/[\s-]/', '', strtoupper( (string) $input ) ), 'OIL', '011' );
		if ( 12 !== strlen( $code ) || strspn( $code, self::CODE_ALPHABET ) !== 12 ) {
			return null;
		}
		return $code;
	}

	/**
	 * The languages offered in the top bar: the configured ones, by native name.
	 *
	 * @return array<string,string>
	 */
	public static function languages() {
		$out = array();
		foreach ( Settings::languages() as $locale ) {
			$out[ $locale ] = I18n::native_name( $locale );
		}
		return $out;
	}

	/**
	 * The chat page.
	 *
	 * @param array $attributes Parsed parameters.
	 */
	private static function page( array $attributes ) {
		if ( '' !== $attributes['lang'] ) {
			I18n::use_locale( $attributes['lang'] );
		}
		$config = Assets::frontend_config( $attributes );
		$title  = sprintf(
			/* translators: 1: the chat window's title, 2: the site's name. */
			__( '%1$s – %2$s', 'consent-chat' ),
			$config['strings']['title'],
			get_bloginfo( 'name' )
		);

		status_header( 200 );
		nocache_headers();
		header( 'Content-Type: text/html; charset=utf-8' );
		header( 'X-Robots-Tag: noindex, nofollow' );
		header( 'Referrer-Policy: no-referrer' );
		?>
<!DOCTYPE html>
<html lang="<?php echo esc_attr( str_replace( '_', '-', determine_locale() ) ); ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="robots" content="noindex, nofollow">
<title><?php echo esc_html( $title ); ?></title>
		<?php wp_print_styles( array( Assets::LOADER ) ); ?>
</head>
<body class="consent-chat-standalone">
<div class="consent-chat-standalone__mount" data-consent-chat="<?php echo esc_attr( Plain_Text::json( $config ) ); ?>"></div>
		<?php wp_print_scripts( array( Assets::LOADER ) ); ?>
</body>
</html>
		<?php
	}

	/**
	 * HTTP 400 with a page that says what is wrong.
	 *
	 * @param string $message Plain text.
	 */
	private static function error_page( $message ) {
		status_header( 400 );
		nocache_headers();
		header( 'Content-Type: text/html; charset=utf-8' );
		header( 'X-Robots-Tag: noindex, nofollow' );
		?>
<!DOCTYPE html>
<html lang="<?php echo esc_attr( str_replace( '_', '-', determine_locale() ) ); ?>">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title><?php echo esc_html__( 'The chat cannot be opened', 'consent-chat' ); ?></title>
</head>
<body>
<main class="consent-chat-error">
<h1><?php echo esc_html__( 'The chat cannot be opened', 'consent-chat' ); ?></h1>
<p class="consent-chat-error__message"><?php echo esc_html( $message ); ?></p>
<p><?php echo esc_html__( 'Please use the chat link the site or app gave you, or contact the site another way.', 'consent-chat' ); ?></p>
</main>
</body>
</html>
		<?php
	}
}
