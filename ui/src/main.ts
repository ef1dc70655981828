import { mount } from 'svelte';
import 'highlight.js/styles/github.css';
import './app.css';
import Main from './Main.svelte';
import Popup from './features/popup/Popup.svelte';
import { windowLabel } from './lib/api';

const target = document.getElementById('app');
if (!target) throw new Error('the page has no #app element');
// One page serves both windows; the popup window shows only the popup.
export default mount(windowLabel() === 'popup' ? Popup : Main, { target });
