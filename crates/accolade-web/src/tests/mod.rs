mod fixtures;
mod pages;
mod preview;
mod safety;
mod views;
