<?php
/**
 * Checks the assistant's settings and content and names each problem by
 * the path of its field, as Settings_Validator does for the other sections.
 *
 * @package ConsentChat
 */

namespace ConsentChat;

defined( 'ABSPATH' ) || exit;

/**
 * Two passes. First the rules no JSON Schema expresses, in words an admin
 * understands, each at its field: texts that are only spaces (the service
 * trims them), unique ids, options that lead to an answer or dialog of the
 * same language, departments that exist. Then, if those pass, the schema
 * generated from the service's own definition (Assistant::schema()) for
 * everything else (lengths, counts, unknown keys), with WordPress's message
 * at the path it names. Paths are relative to the value
 * (`content.locales.de_DE.answers.0.title`); the settings screen puts
 * `assistant.` before them.
 */
class Assistant_Validator {
	/**
	 * Errors found so far.
	 *
	 * @var array<int, array{field: string, message: string}>
	 */
	private $errors = array();

	/**
	 * Field path prefix.
	 *
	 * @var string
	 */
	private $prefix;

	/**
	 * The departments' ids that exist (id => true).
	 *
	 * @var array<string, bool>
	 */
	private $departments;

	/**
	 * Constructor.
	 *
	 * @param string     $prefix      Put before every path (e.g. `assistant.`).
	 * @param array|null $departments The departments the value may name; null: the stored ones.
	 */
	private function __construct( $prefix, $departments ) {
		$this->prefix      = $prefix;
		$list              = is_array( $departments ) ? $departments : Agents::departments();
		$this->departments = array_fill_keys( array_map( 'strval', array_column( array_filter( $list, 'is_array' ), 'id' ) ), true );
	}

	/**
	 * All errors of a value.
	 *
	 * @param mixed      $value       { settings, content }.
	 * @param string     $prefix      Put before every path.
	 * @param array|null $departments The departments as saved with it (a save that adds one may set its mode); null: the stored ones.
	 * @return array<int, array{field: string, message: string}>
	 */
	public static function errors( $value, $prefix = '', $departments = null ) {
		$v = new self( $prefix, $departments );
		if ( ! is_array( $value ) ) {
			$v->add( '', __( 'The assistant’s settings are malformed.', 'consent-chat' ) );
			return $v->errors;
		}
		$v->settings( $value['settings'] ?? array() );
		$locales = $value['content']['locales'] ?? array();
		if ( is_array( $locales ) ) {
			foreach ( $locales as $locale => $lang ) {
				if ( is_array( $lang ) ) {
					$v->locale( 'content.locales.' . $locale, $lang );
				}
			}
		}
		if ( ! $v->errors ) {
			$v->schema( $value );
		}
		return $v->errors;
	}

	/**
	 * Records an error.
	 *
	 * @param string $field   Path below the value.
	 * @param string $message What is wrong and how to fix it.
	 */
	private function add( $field, $message ) {
		$this->errors[] = array(
			'field'   => rtrim( $this->prefix . $field, '.' ),
			'message' => $message,
		);
	}

	/**
	 * Mode, departments that exist, hand-over count, the bot's name.
	 *
	 * @param mixed $s Settings.
	 */
	private function settings( $s ) {
		if ( ! is_array( $s ) ) {
			return; // The schema names it.
		}
		foreach ( (array) ( $s['departments'] ?? array() ) as $dept => $mode ) {
			if ( ! isset( $this->departments[ $dept ] ) ) {
				/* translators: %s: a department id. */
				$this->add( 'settings.departments.' . $dept, sprintf( __( 'There is no department “%s” (any more); remove its setting.', 'consent-chat' ), (string) $dept ) );
			}
		}
		// The bot's name is shown to visitors: not just spaces (the schema checks the rest of the bot).
		if ( isset( $s['bot'] ) && is_array( $s['bot'] ) && ! self::filled( $s['bot']['name'] ?? null ) ) {
			$this->add( 'settings.bot.name', __( 'Enter the name visitors are shown: the service their messages go to.', 'consent-chat' ) );
		}
		$after = $s['handoverAfter'] ?? 2;
		if ( ! is_int( $after ) || $after < 1 || $after > 10 ) {
			$this->add( 'settings.handoverAfter', __( 'Hand over after 1 to 10 questions the assistant could not answer.', 'consent-chat' ) );
		}
	}

	/**
	 * Whether a value is a non-empty string after trimming.
	 *
	 * @param mixed $value Value.
	 * @return bool
	 */
	private static function filled( $value ) {
		return is_string( $value ) && '' !== trim( $value );
	}

	/**
	 * Requires a text at a path.
	 *
	 * @param string $at      Path.
	 * @param mixed  $value   Value.
	 * @param string $message What to write.
	 */
	private function text( $at, $value, $message ) {
		if ( ! self::filled( $value ) ) {
			$this->add( $at, $message );
		}
	}

	/**
	 * An id: a slug, unique among its kind.
	 *
	 * @param string $at   Path.
	 * @param mixed  $id   Value.
	 * @param array  $seen Ids so far (by reference).
	 */
	private function id( $at, $id, array &$seen ) {
		if ( ! is_string( $id ) || ! preg_match( '/^[a-z0-9]+(?:-[a-z0-9]+)*$/', $id ) || strlen( $id ) > 64 ) {
			$this->add( $at, __( 'The id uses lowercase letters and digits, words joined by single dashes (e.g. shipping-costs), at most 64.', 'consent-chat' ) );
		} elseif ( isset( $seen[ $id ] ) ) {
			/* translators: %s: an id. */
			$this->add( $at, sprintf( __( 'Another entry already has the id “%s”.', 'consent-chat' ), $id ) );
		}
		if ( is_string( $id ) ) {
			$seen[ $id ] = true;
		}
	}

	/**
	 * One language's answers and dialogs.
	 *
	 * @param string $at   Path.
	 * @param array  $lang { answers, dialogs }.
	 */
	private function locale( $at, array $lang ) {
		$answers = is_array( $lang['answers'] ?? null ) ? $lang['answers'] : array();
		$dialogs = is_array( $lang['dialogs'] ?? null ) ? $lang['dialogs'] : array();
		$ids     = array();
		foreach ( $answers as $i => $a ) {
			$aat = "$at.answers.$i";
			if ( ! is_array( $a ) ) {
				continue;
			}
			$this->id( "$aat.id", $a['id'] ?? null, $ids );
			$this->text( "$aat.title", $a['title'] ?? null, __( 'Give the answer a title.', 'consent-chat' ) );
			$this->text( "$aat.answer", $a['answer'] ?? null, __( 'Write the answer.', 'consent-chat' ) );
			$questions = is_array( $a['questions'] ?? null ) ? $a['questions'] : array();
			if ( ! $questions ) {
				$this->add( "$aat.questions", __( 'Add at least one question visitors might ask.', 'consent-chat' ) );
			}
			foreach ( $questions as $j => $q ) {
				$this->text( "$aat.questions.$j", $q, __( 'Write the question, or remove it.', 'consent-chat' ) );
			}
		}
		$dialog_ids = array();
		foreach ( $dialogs as $i => $d ) {
			$dat = "$at.dialogs.$i";
			if ( ! is_array( $d ) ) {
				continue;
			}
			$this->id( "$dat.id", $d['id'] ?? null, $dialog_ids );
			$this->text( "$dat.title", $d['title'] ?? null, __( 'Give the dialog a title.', 'consent-chat' ) );
			$steps = is_array( $d['steps'] ?? null ) ? $d['steps'] : array();
			if ( ! $steps ) {
				$this->add( "$dat.steps", __( 'A dialog asks at least one question.', 'consent-chat' ) );
			}
			$step_ids = array();
			foreach ( $steps as $j => $s ) {
				$sat = "$dat.steps.$j";
				$this->id( "$sat.id", $s['id'] ?? null, $step_ids );
				$this->text( "$sat.question", $s['question'] ?? null, __( 'Write the question of this step.', 'consent-chat' ) );
				if ( 'choice' === ( $s['input'] ?? '' ) ) {
					$choices = is_array( $s['choices'] ?? null ) ? $s['choices'] : array();
					if ( count( $choices ) < 2 ) {
						$this->add( "$sat.choices", __( 'A choice offers at least two answers.', 'consent-chat' ) );
					}
					foreach ( $choices as $k => $c ) {
						$this->text( "$sat.choices.$k", $c, __( 'Write the choice, or remove it.', 'consent-chat' ) );
					}
				}
			}
			if ( 'end' === ( $d['complete']['action'] ?? '' ) ) {
				$this->text( "$dat.complete.text", $d['complete']['text'] ?? null, __( 'Write what visitors read when the dialog ends.', 'consent-chat' ) );
			}
		}
		foreach ( $answers as $i => $a ) {
			foreach ( (array) ( is_array( $a ) ? ( $a['options'] ?? array() ) : array() ) as $j => $o ) {
				$oat = "$at.answers.$i.options.$j";
				$this->text( "$oat.label", $o['label'] ?? null, __( 'Give the option a label.', 'consent-chat' ) );
				$to = $o['to'] ?? '';
				if ( 'answer' === $to && ! isset( $ids[ $o['answer'] ?? '' ] ) ) {
					$this->add( "$oat.answer", __( 'Choose an answer of this language.', 'consent-chat' ) );
				} elseif ( 'dialog' === $to && ! isset( $dialog_ids[ $o['dialog'] ?? '' ] ) ) {
					$this->add( "$oat.dialog", __( 'Choose a dialog of this language.', 'consent-chat' ) );
				}
			}
		}
	}

	/**
	 * The generated schema, for everything the rules above do not name.
	 *
	 * @param array $value The value.
	 */
	private function schema( array $value ) {
		$schema = Assistant::schema();
		if ( ! $schema ) {
			$this->add( '', __( 'The plugin is incomplete (its build is missing), so the assistant’s answers cannot be checked or saved.', 'consent-chat' ) );
			return;
		}
		$valid = rest_validate_value_from_schema( $value, $schema, 'assistant' );
		if ( is_wp_error( $valid ) ) {
			$message = $valid->get_error_message();
			$path    = preg_match( '/\bassistant((?:\[[^\]\s]*\])+)/', $message, $m ) ? ltrim( str_replace( array( '][', '[', ']' ), array( '.', '.', '' ), $m[1] ), '.' ) : '';
			$this->add( $path, $message );
		}
	}
}
