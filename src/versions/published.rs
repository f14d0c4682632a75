//! The whole check of a dataset in its repository, as `aabc validate` and `aabc release` run
//! it: the validator first, then what releases promise (published ids are kept or retired, the
//! release record's rows never change), so the two commands can never check differently.

use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::schema::metadata::Dataset;
use crate::validate::report::Problem;
use crate::validate::{is_structure_fault, validate_dataset_with_progress, Emit};
use std::path::Path;

/// Validates the dataset under `root`, then checks the promises of its published releases
/// (`base`: a revision whose release record is compared too, e.g. the branch a pull request
/// goes into). Every problem goes to `emit`, the bytes read to `progress`; returns the rows of
/// each table.
pub fn validate(
    root: &Path,
    dataset: &Dataset,
    today: chrono::NaiveDate,
    base: Option<&str>,
    emit: &mut Emit<'_>,
    progress: &mut dyn Progress,
) -> Result<Vec<(String, u64)>> {
    let mut structure_faults = false;
    let mut note = |p: Problem| {
        structure_faults |= is_structure_fault(&p);
        emit(p)
    };
    let counts = validate_dataset_with_progress(dataset, today, &mut note, progress)?;
    // Published ids are compared with the rows only when the rows were read as meant.
    if !structure_faults {
        for p in promises(root, dataset, base)? {
            emit(p).map_err(|e| Error::io("the report", e))?;
        }
    }
    Ok(counts)
}

/// What published releases promise, as problems: every published id kept or retired, and the
/// release record as git holds it.
pub fn promises(root: &Path, dataset: &Dataset, base: Option<&str>) -> Result<Vec<Problem>> {
    let mut problems = crate::versions::retired::published_id_problems(root, dataset)?;
    problems.extend(crate::versions::immutable::record_problems(
        root, dataset, base,
    )?);
    Ok(problems)
}
