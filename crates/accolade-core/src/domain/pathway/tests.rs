#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code

use super::*;
use std::collections::HashMap;

fn ids(n: usize) -> Vec<AchievementId> {
    (0..n).map(|_| AchievementId::new()).collect()
}

fn leaf(a: AchievementId) -> Requirement {
    Requirement::Achievement(a)
}

fn held(of: &[AchievementId]) -> HashSet<AchievementId> {
    of.iter().copied().collect()
}

fn no_credits() -> HashMap<AchievementId, f64> {
    HashMap::new()
}

#[test]
fn all_of_counts_every_badge() {
    let a = ids(5);
    let tree = Requirement::AllOf(a.iter().copied().map(leaf).collect());
    tree.check().unwrap();

    let p = tree.evaluate(&held(&a[..3]), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (3, 5, false));
    assert_eq!(p.next_steps, vec![a[3], a[4]]);
    assert_eq!(p.children.len(), 5);
    assert_eq!(
        p.children[0].step,
        RequirementStep::Achievement {
            id: a[0],
            held: true
        }
    );

    let p = tree.evaluate(&held(&a), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (5, 5, true));
    assert!(p.next_steps.is_empty());

    // Badges outside the pathway count for nothing.
    let p = tree.evaluate(&held(&ids(3)), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (0, 5, false));
}

#[test]
fn n_of_counts_the_parts_closest_to_completion() {
    let a = ids(4);
    let tree = Requirement::AnyOf {
        n: 2,
        of: a.iter().copied().map(leaf).collect(),
    };
    tree.check().unwrap();
    let p = tree.evaluate(&HashSet::new(), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (0, 2, false));
    assert_eq!(p.next_steps.len(), 2);

    let p = tree.evaluate(&held(&[a[2]]), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (1, 2, false));
    assert!(!p.next_steps.contains(&a[2]));
    assert_eq!(p.next_steps.len(), 1);

    let p = tree.evaluate(&held(&[a[1], a[3], a[0]]), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (2, 2, true));
    assert!(p.next_steps.is_empty());
}

#[test]
fn nested_groups_add_up_their_steps() {
    // Two core courses, then two of three electives, then a capstone of either kind.
    let core = ids(2);
    let electives = ids(3);
    let capstones = ids(2);
    let mut parts: Vec<Requirement> = core.iter().copied().map(leaf).collect();
    parts.push(Requirement::AnyOf {
        n: 2,
        of: electives.iter().copied().map(leaf).collect(),
    });
    parts.push(Requirement::AnyOf {
        n: 1,
        of: vec![
            leaf(capstones[0]),
            Requirement::AllOf(vec![leaf(capstones[1]), leaf(electives[0])]),
        ],
    });
    let tree = Requirement::AllOf(parts);
    tree.check().unwrap();

    let p = tree.evaluate(&held(&[core[0], electives[1]]), &no_credits());
    assert_eq!((p.done, p.required, p.complete), (2, 5, false));
    assert_eq!(p.next_steps[0], core[1]);

    // The second capstone route (its badge and an elective held) completes the pathway.
    let have = held(&[core[0], core[1], electives[0], electives[1], capstones[1]]);
    let p = tree.evaluate(&have, &no_credits());
    assert!(p.complete);
    assert_eq!((p.done, p.required), (6, 6));
}

#[test]
fn credits_add_up_over_held_badges_only() {
    let a = ids(3);
    let credits: HashMap<_, _> = [(a[0], 1.5), (a[1], 2.0), (a[2], 3.0)].into();
    let tree = Requirement::CreditsAtLeast {
        credits: 4.0,
        of: a.clone(),
    };
    tree.check().unwrap();
    let p = tree.evaluate(&held(&[a[0], a[1]]), &credits);
    assert!(!p.complete);
    assert_eq!(
        p.step,
        RequirementStep::Credits {
            earned: 3.5,
            needed: 4.0,
            of: a.clone()
        }
    );
    assert_eq!(p.next_steps, vec![a[2]]);
    assert_eq!((p.done, p.required), (0, 1));

    let p = tree.evaluate(&held(&[a[0], a[2]]), &credits);
    assert!(p.complete);
    assert_eq!((p.done, p.required), (1, 1));
}

#[test]
fn malformed_trees_are_refused() {
    let a = ids(3);
    assert_eq!(
        Requirement::AllOf(vec![]).check(),
        Err(RequirementError::EmptyGroup)
    );
    assert_eq!(
        Requirement::AnyOf {
            n: 3,
            of: vec![leaf(a[0]), leaf(a[1])]
        }
        .check(),
        Err(RequirementError::BadCount { n: 3, len: 2 })
    );
    assert_eq!(
        Requirement::AnyOf {
            n: 0,
            of: vec![leaf(a[0])]
        }
        .check(),
        Err(RequirementError::BadCount { n: 0, len: 1 })
    );
    assert_eq!(
        Requirement::AllOf(vec![leaf(a[0]), leaf(a[0])]).check(),
        Err(RequirementError::Duplicate)
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, MAX_CREDITS + 1.0] {
        assert_eq!(
            Requirement::CreditsAtLeast {
                credits: bad,
                of: a.clone()
            }
            .check(),
            Err(RequirementError::BadCredits)
        );
    }
    assert_eq!(
        Requirement::CreditsAtLeast {
            credits: 1.0,
            of: vec![]
        }
        .check(),
        Err(RequirementError::NoCreditSources)
    );

    let mut deep = leaf(a[0]);
    for _ in 0..MAX_DEPTH - 1 {
        deep = Requirement::AllOf(vec![deep]);
    }
    deep.check().unwrap();
    assert_eq!(
        Requirement::AllOf(vec![deep]).check(),
        Err(RequirementError::TooDeep)
    );

    let wide = Requirement::AllOf(ids(MAX_NODES).into_iter().map(leaf).collect());
    assert_eq!(wide.check(), Err(RequirementError::TooLarge));
}

#[test]
fn achievements_are_listed_once_in_order() {
    let a = ids(3);
    let tree = Requirement::AllOf(vec![
        leaf(a[1]),
        Requirement::AnyOf {
            n: 1,
            of: vec![leaf(a[0]), leaf(a[1])],
        },
        Requirement::CreditsAtLeast {
            credits: 2.0,
            of: vec![a[2], a[0]],
        },
    ]);
    assert_eq!(tree.achievements(), vec![a[1], a[0], a[2]]);
    assert_eq!(tree.size(), 1 + 1 + 3 + 3);
}

#[test]
fn pathway_ids_round_trip() {
    let id = PathwayId::new();
    assert_eq!(id.to_string().parse::<PathwayId>().unwrap(), id);
    assert!("not-an-id".parse::<PathwayId>().is_err());
}
