//! A refused form shown again: the message next to the input it is about (with
//! `aria-invalid` and `aria-describedby`, see the `field` macros in `forms.html`), and above
//! the form only when it concerns the form as a whole or an input the page does not show.

use super::FieldView;
use accolade_app::AppError;
use accolade_app::i18n::{Lang, lookup};
use serde::Serialize;

/// The message shown at one input that the template draws itself (not a [`FieldView`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldError {
    /// The input's `name`; its message has the id `f-{field}-error`.
    pub field: String,
    pub message: String,
}

/// A refusal on its way to a form: the input it is about, by the form's name for it, and
/// the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: Option<String>,
    pub message: String,
}

impl From<&AppError> for Refusal {
    fn from(e: &AppError) -> Self {
        Self {
            field: e.field().map(str::to_owned),
            message: e.message(),
        }
    }
}

impl Refusal {
    /// A message about the whole form.
    pub fn whole(message: impl Into<String>) -> Self {
        Self {
            field: None,
            message: message.into(),
        }
    }

    /// The field under the form's name for it: each `(api, input)` pair renames the field
    /// `api`, or, when `api` ends with `.`, every field starting with it (`field_values.`
    /// → `field-`, so `field_values.grade` becomes `field-grade`).
    pub fn rename(mut self, renames: &[(&str, &str)]) -> Self {
        if let Some(field) = &self.field {
            for (api, input) in renames {
                if field == api {
                    self.field = Some((*input).to_owned());
                    break;
                }
                if let Some(rest) = api
                    .ends_with('.')
                    .then(|| field.strip_prefix(api))
                    .flatten()
                {
                    self.field = Some(format!("{input}{rest}"));
                    break;
                }
            }
        }
        self
    }

    /// The message in `lang` when the catalogs have it (messages with values in them are
    /// not in the catalogs and stay in English).
    pub fn in_lang(mut self, lang: Lang) -> Self {
        if let Some(t) = lookup(lang, &self.message) {
            self.message = t.to_owned();
        }
        self
    }

    /// Puts the message at its input among `fields`; returns what is left for above the
    /// form: a whole-form message, or one about an input that is not among them.
    pub fn place(self, fields: &mut [FieldView]) -> Option<String> {
        self.place_in(&mut [fields], &[]).1
    }

    /// Like [`Refusal::place`], over the inputs of several lists (a form drawn in parts),
    /// and also at an input the template draws itself when the field is one of `drawn`:
    /// that one is returned as a [`FieldError`] for the template's `invalid` and
    /// `field_error` macros.
    pub fn place_in(
        self,
        lists: &mut [&mut [FieldView]],
        drawn: &[&str],
    ) -> (Option<FieldError>, Option<String>) {
        let Some(name) = self.field else {
            return (None, Some(self.message));
        };
        for list in lists.iter_mut() {
            if let Some(f) = list
                .iter_mut()
                .find(|f| f.name == name && f.kind != "hidden")
            {
                f.error = Some(self.message);
                return (None, None);
            }
        }
        if drawn.contains(&name.as_str()) {
            return (
                Some(FieldError {
                    field: name,
                    message: self.message,
                }),
                None,
            );
        }
        (None, Some(self.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_goes_to_its_input_or_above_the_form() {
        let mut fields = vec![
            FieldView::new("email", "Email", "email"),
            FieldView::new("name", "Name", "text"),
        ];
        let e = AppError::invalid_field("recipient_email", "Enter an email address.");
        let left = Refusal::from(&e)
            .rename(&[("recipient_email", "email")])
            .place(&mut fields);
        assert_eq!(left, None);
        assert_eq!(fields[0].error.as_deref(), Some("Enter an email address."));
        assert_eq!(fields[1].error, None);

        let e = AppError::invalid_field("field_values.grade", "Enter “Grade”.");
        let (at, left) = Refusal::from(&e)
            .rename(&[("field_values.", "field-")])
            .place_in(&mut [&mut fields], &["field-grade"]);
        assert_eq!(at.map(|a| a.field).as_deref(), Some("field-grade"));
        assert_eq!(left, None);

        // An input the page does not show, or the whole form: above the form.
        let e = AppError::invalid_field("nowhere", "Something.");
        assert_eq!(
            Refusal::from(&e).place(&mut fields).as_deref(),
            Some("Something.")
        );
        let e = AppError::invalid("Try again.");
        assert_eq!(
            Refusal::from(&e).place(&mut fields).as_deref(),
            Some("Try again.")
        );
    }
}
