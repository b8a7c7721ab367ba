<?php
/**
 * Avatars on the plugin's own wp-admin screens: initials, never Gravatar.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * WordPress draws users' avatars (in the admin bar: the signed-in agent's)
 * from gravatar.com by default, so every load of the agent console would
 * tell a third party, with a hash of the agent's e-mail address, that this
 * person is at work on this site right now. On the plugin's screens an
 * avatar is therefore either one the site serves itself (a local-avatar
 * plugin, an upload) or a badge with the person's initials, coloured from
 * their name; a URL on any other host (gravatar.com, a CDN of someone
 * else) is never put on the page.
 *
 * Only the plugin's screens: the rest of wp-admin and the front end are the
 * site's own choice (Settings → Discussion → Avatar Display).
 */
class Avatars {
	/** The plugin's screens (their `page` query argument). */
	const PAGES = array( Agent_Page::SLUG, Settings_Page::SLUG, Stats_Page::SLUG, Privacy_Page::SLUG );

	/**
	 * Dark colours, each with white text at a contrast of at least 4.5:1 (WCAG AA).
	 */
	const COLOURS = array( '#1d4ed8', '#047857', '#b91c1c', '#7e22ce', '#0e7490', '#be185d', '#c2410c', '#374151' );

	/**
	 * Action current_screen: on the plugin's screens, route every avatar
	 * through the filters below. `$plugin_page` is WordPress's own (already
	 * sanitised) reading of the `page` argument on admin.php.
	 */
	public static function maybe_register() {
		global $plugin_page;
		if ( ! is_string( $plugin_page ) || ! in_array( $plugin_page, self::PAGES, true ) ) {
			return;
		}
		// Last, so that a local-avatar plugin has set its URL before it is checked.
		add_filter( 'get_avatar_data', array( self::class, 'only_local' ), PHP_INT_MAX, 2 );
		add_filter( 'pre_get_avatar', array( self::class, 'initials_unless_local' ), PHP_INT_MAX, 3 );
	}

	/**
	 * Filter get_avatar_data: drops an avatar URL that is not served by this
	 * site, so nothing on these screens (get_avatar_url() included) can point
	 * the browser at another host.
	 *
	 * @param array $args        Avatar data, with `url`.
	 * @param mixed $id_or_email Whose avatar (unused).
	 * @return array
	 */
	public static function only_local( $args, $id_or_email ) {
		unset( $id_or_email );
		if ( isset( $args['url'] ) && is_string( $args['url'] ) && '' !== $args['url'] && ! self::is_local( $args['url'] ) ) {
			$args['url']          = false;
			$args['found_avatar'] = false;
		}
		return $args;
	}

	/**
	 * Filter pre_get_avatar: the initials badge where no local avatar is set;
	 * null (WordPress draws the local image) otherwise.
	 *
	 * @param string|null $avatar      HTML so far (null: none).
	 * @param mixed       $id_or_email Whose avatar: user id, e-mail, WP_User, WP_Post or WP_Comment.
	 * @param array       $args        get_avatar()'s arguments.
	 * @return string|null
	 */
	public static function initials_unless_local( $avatar, $id_or_email, $args ) {
		if ( null !== $avatar ) {
			return $avatar;
		}
		if ( empty( $args['force_display'] ) && ! get_option( 'show_avatars' ) ) {
			return null; // The site shows no avatars at all; WordPress returns false.
		}
		$data = get_avatar_data( $id_or_email, $args );
		if ( ! empty( $data['url'] ) && ! is_wp_error( $data['url'] ) ) {
			return null; // A local avatar (only_local() let it through).
		}
		return self::badge( self::name_of( $id_or_email ), $args );
	}

	/**
	 * Is this URL served by this site (its home, WordPress or content address), or relative?
	 *
	 * @param string $url An avatar URL.
	 * @return bool
	 */
	private static function is_local( $url ) {
		$host = wp_parse_url( $url, PHP_URL_HOST );
		if ( false === $host ) {
			return false; // Malformed.
		}
		if ( null === $host ) {
			return true; // Relative: this site's own.
		}
		$own = array();
		foreach ( array( home_url(), site_url(), content_url() ) as $base ) {
			$own[] = strtolower( (string) wp_parse_url( $base, PHP_URL_HOST ) );
		}
		return in_array( strtolower( $host ), $own, true );
	}

	/**
	 * The display name behind an avatar request, '' where none is known.
	 *
	 * @param mixed $id_or_email User id, e-mail, WP_User, WP_Post or WP_Comment.
	 * @return string
	 */
	private static function name_of( $id_or_email ) {
		$user = null;
		if ( $id_or_email instanceof \WP_User ) {
			$user = $id_or_email;
		} elseif ( is_numeric( $id_or_email ) ) {
			$user = get_user_by( 'id', absint( $id_or_email ) );
		} elseif ( $id_or_email instanceof \WP_Post ) {
			$user = get_user_by( 'id', (int) $id_or_email->post_author );
		} elseif ( $id_or_email instanceof \WP_Comment ) {
			if ( (int) $id_or_email->user_id > 0 ) {
				$user = get_user_by( 'id', (int) $id_or_email->user_id );
			} else {
				return (string) $id_or_email->comment_author;
			}
		} elseif ( is_string( $id_or_email ) && is_email( $id_or_email ) ) {
			$user = get_user_by( 'email', $id_or_email );
		}
		if ( ! $user ) {
			return '';
		}
		return '' !== trim( (string) $user->display_name ) ? (string) $user->display_name : (string) $user->user_login;
	}

	/**
	 * Up to two initials: of the first and the last word of a name.
	 *
	 * @param string $name A display name.
	 * @return string
	 */
	public static function initials( $name ) {
		$words = preg_split( '/[\s\-_.@]+/u', trim( $name ), -1, PREG_SPLIT_NO_EMPTY );
		if ( empty( $words ) ) {
			return '?';
		}
		$first = mb_substr( $words[0], 0, 1 );
		$last  = count( $words ) > 1 ? mb_substr( $words[ count( $words ) - 1 ], 0, 1 ) : '';
		// mb_substr() is always there (WordPress provides it); mb_strtoupper() only with mbstring.
		return function_exists( 'mb_strtoupper' ) ? mb_strtoupper( $first . $last ) : strtoupper( $first . $last );
	}

	/**
	 * The badge: the initials on a colour picked from the name (the same
	 * name always gets the same colour). Decorative where get_avatar() was
	 * given no alt text (the name stands next to it, as in the admin bar),
	 * otherwise an image named by that text.
	 *
	 * @param string $name Display name ('' if unknown).
	 * @param array  $args get_avatar()'s arguments: size, alt, class.
	 * @return string HTML.
	 */
	private static function badge( $name, $args ) {
		$size    = max( 16, (int) ( isset( $args['size'] ) ? $args['size'] : 96 ) );
		$colour  = self::COLOURS[ absint( crc32( $name ) ) % count( self::COLOURS ) ];
		$classes = array( 'avatar', 'avatar-' . $size, 'photo', 'consent-chat-initials' );
		if ( ! empty( $args['class'] ) ) {
			$classes = array_merge( $classes, (array) $args['class'] );
		}
		$alt   = isset( $args['alt'] ) ? (string) $args['alt'] : '';
		$label = '' === $alt ? 'aria-hidden="true"' : sprintf( 'role="img" aria-label="%s"', esc_attr( $alt ) );
		$style = sprintf(
			'display:inline-block;box-sizing:border-box;width:%1$dpx;height:%1$dpx;border-radius:50%%;background:%2$s;color:#fff;font:600 %3$dpx/%1$dpx sans-serif;text-align:center;overflow:hidden;',
			$size,
			$colour,
			max( 8, (int) round( $size * 0.42 ) )
		);
		return sprintf(
			'<span class="%1$s" %2$s style="%3$s">%4$s</span>',
			esc_attr( implode( ' ', array_map( 'sanitize_html_class', $classes ) ) ),
			$label,
			esc_attr( $style ),
			esc_html( self::initials( $name ) )
		);
	}
}
